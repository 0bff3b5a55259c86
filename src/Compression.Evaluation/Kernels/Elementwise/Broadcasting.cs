using Compression.Evaluation.Inference;
using Compression.Evaluation.Tensors;

namespace Compression.Evaluation.Kernels.Elementwise;

/// <summary>
/// Walks the output of a NumPy-style broadcast in row-major order, handing contiguous runs of the innermost axis to a
/// callback with each operand's start offset and step (0 for a broadcast operand, 1 otherwise). Every output element
/// is computed once, in a fixed order, so the walk adds nothing to the result but speed.
/// </summary>
internal static class Broadcasting
{
    public delegate void RunAction(int outStart, int aStart, int aStep, int bStart, int bStep, int length);

    public static void ForEachRun(int[] shapeA, int[] shapeB, int[] output, RunAction action)
    {
        var rank = output.Length;
        if (rank == 0)
        {
            action(0, 0, 0, 0, 0, 1);
            return;
        }
        var stridesA = BroadcastStrides(shapeA, output);
        var stridesB = BroadcastStrides(shapeB, output);
        var inner = output[rank - 1];
        var outer = ShapeMath.ElementCount(output) / Math.Max(inner, 1);
        if (inner == 0 || outer == 0) return;
        var index = new int[rank - 1];
        int offA = 0, offB = 0;
        for (var run = 0; run < outer; run++)
        {
            action(run * inner, offA, stridesA[rank - 1], offB, stridesB[rank - 1], inner);
            // Advance the multi-index over the outer axes, updating the operand offsets incrementally.
            for (var axis = rank - 2; axis >= 0; axis--)
            {
                index[axis]++;
                offA += stridesA[axis];
                offB += stridesB[axis];
                if (index[axis] < output[axis]) break;
                offA -= stridesA[axis] * output[axis];
                offB -= stridesB[axis] * output[axis];
                index[axis] = 0;
            }
        }
    }

    /// <summary>Strides of an operand seen with the output's rank: 0 along axes it is broadcast over.</summary>
    public static int[] BroadcastStrides(int[] shape, int[] output)
    {
        var strides = new int[output.Length];
        var own = ShapeMath.Strides(shape);
        var offset = output.Length - shape.Length;
        for (var i = 0; i < shape.Length; i++)
            strides[i + offset] = shape[i] == 1 && output[i + offset] != 1 ? 0 : own[i];
        return strides;
    }

    /// <summary>The broadcast of symbolic shapes for inference: unknown where an input is unknown and not 1.</summary>
    public static Dim[]? Infer(Dim[]? a, Dim[]? b)
    {
        if (a is null || b is null) return null;
        var rank = Math.Max(a.Length, b.Length);
        var result = new Dim[rank];
        for (var i = 0; i < rank; i++)
        {
            var da = i < rank - a.Length ? (Dim)1 : a[i - (rank - a.Length)];
            var db = i < rank - b.Length ? (Dim)1 : b[i - (rank - b.Length)];
            result[i] = da.IsKnown && da.Value == 1 ? db
                : db.IsKnown && db.Value == 1 ? da
                : da.IsKnown ? da
                : db.IsKnown ? db
                : da.Symbol is not null && da.Symbol == db.Symbol ? da
                : Dim.Unknown;
        }
        return result;
    }
}

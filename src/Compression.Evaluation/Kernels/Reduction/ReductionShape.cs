using Compression.Evaluation.Execution;
using Compression.Evaluation.Inference;
using Compression.Evaluation.Tensors;

namespace Compression.Evaluation.Kernels.Reduction;

/// <summary>Which axes a reduction node reduces and the shape it leaves, shared by the reductions and ArgMax/ArgMin.</summary>
internal static class ReductionShape
{
    /// <summary>
    /// The reduced axes as flags: from the axes input when <paramref name="axesFromInput"/> (ReduceSum 13), else the
    /// attribute. No axes means all of them, or none when noop_with_empty_axes = 1. Null when the axes are not known.
    /// </summary>
    public static bool[]? Axes(NodeAttributes attributes, bool axesFromInput, long[]? axesInput, bool axesInputGiven, int rank,
        Func<string, KernelException> fail)
    {
        long[]? axes;
        if (axesFromInput)
        {
            if (axesInputGiven && axesInput is null) return null;
            axes = axesInput;
        }
        else axes = attributes.GetInts("axes");
        var reduced = new bool[rank];
        if (axes is null || axes.Length == 0)
        {
            if (!(axesFromInput && attributes.GetInt("noop_with_empty_axes", 0) != 0)) Array.Fill(reduced, true);
            return reduced;
        }
        foreach (var a in axes)
        {
            var axis = a < 0 ? a + rank : a;
            if (axis < 0 || axis >= rank) throw fail($"axis {a} is out of range for rank {rank}");
            reduced[axis] = true;
        }
        return reduced;
    }

    public static Dim[] Infer(Dim[] input, bool[] reduced, bool keepDims)
    {
        var dims = new List<Dim>();
        for (var i = 0; i < input.Length; i++)
            if (!reduced[i]) dims.Add(input[i]);
            else if (keepDims) dims.Add(1);
        return dims.ToArray();
    }

    public static int[] Output(int[] input, bool[] reduced, bool keepDims)
    {
        var dims = new List<int>();
        for (var i = 0; i < input.Length; i++)
            if (!reduced[i]) dims.Add(input[i]);
            else if (keepDims) dims.Add(1);
        return dims.ToArray();
    }

    /// <summary>
    /// The flat offset of each output element's first input (over the kept axes) and of each reduced element relative
    /// to it (over the reduced axes, row-major: the order in which they are accumulated).
    /// </summary>
    public static (int[] Bases, int[] Reduced) Offsets(int[] shape, bool[] reduced)
    {
        var strides = ShapeMath.Strides(shape);
        var kept = Enumerable.Range(0, shape.Length).Where(i => !reduced[i]).ToArray();
        var gone = Enumerable.Range(0, shape.Length).Where(i => reduced[i]).ToArray();
        return (Walk(shape, strides, kept), Walk(shape, strides, gone));
    }

    private static int[] Walk(int[] shape, int[] strides, int[] axes)
    {
        var count = 1;
        foreach (var a in axes) count *= shape[a];
        var offsets = new int[count];
        if (count == 0) return offsets;
        var index = new int[axes.Length];
        var offset = 0;
        for (var n = 0; n < count; n++)
        {
            offsets[n] = offset;
            for (var k = axes.Length - 1; k >= 0; k--)
            {
                var a = axes[k];
                index[k]++;
                offset += strides[a];
                if (index[k] < shape[a]) break;
                offset -= strides[a] * shape[a];
                index[k] = 0;
            }
        }
        return offsets;
    }
}

using Compression.Evaluation.Execution;
using Compression.Evaluation.Inference;
using Compression.Evaluation.Kernels.Elementwise;
using Compression.Evaluation.Tensors;
using DataType = Compression.Onnx.Protobuf.TensorProto.Types.DataType;

namespace Compression.Evaluation.Kernels.NeuralNetwork;

/// <summary>
/// LayerNormalization (17): each slice X[i, axis:] normalised by its mean and (biased) variance, computed in double in
/// order, then multiplied by Scale and shifted by B, both broadcast to X[axis:]. Optional outputs Mean and InvStdDev have
/// X's shape with the normalised axes set to 1, in float (stash_type 1, the only type defined).
/// </summary>
internal sealed class LayerNormalization : IKernel
{
    public IReadOnlyList<ValueInfo> Infer(InferenceContext context)
    {
        var x = context.Input(0);
        var type = x?.ElementType ?? DataType.Undefined;
        var y = new ValueInfo(type, x?.Shape);
        if (context.OutputCount < 2) return [y];
        Dim[]? stats = null;
        if (x?.Shape is { } s)
        {
            var axis = Axis(context.Attributes.GetInt("axis", -1), s.Length, context.Fail);
            stats = s.Select((d, i) => i < axis ? d : (Dim)1).ToArray();
        }
        var info = new ValueInfo(DataType.Float, stats);
        return [y, info, info];
    }

    private static int Axis(long axis, int rank, Func<string, KernelException> fail)
    {
        try { return ShapeMath.NormalizeAxis(axis, rank); }
        catch (ArgumentException e) { throw fail(e.Message); }
    }

    public void Execute(KernelContext context)
    {
        var x = context.Input(0);
        var scale = context.Input(1);
        var bias = context.OptionalInput(2);
        if (x.ElementType != DataType.Float || scale.ElementType != DataType.Float || (bias is not null && bias.ElementType != DataType.Float))
            throw context.Fail($"element type {x.ElementType} is not supported (float only)");
        if (context.Attributes.GetInt("stash_type", 1) != 1) throw context.Fail("stash_type other than 1 (float) is not supported");
        var axis = Axis(context.Attributes.GetInt("axis", -1), x.Rank, context.Fail);
        var normalized = x.Shape[axis..];
        var size = ShapeMath.ElementCount(normalized);
        var rows = size == 0 ? 0 : x.Length / size;
        int[] ScaleStrides(Tensor t)
        {
            if (t.Rank > normalized.Length || !ShapeMath.Broadcast(t.Shape, normalized)!.AsSpan().SequenceEqual(normalized))
                throw context.Fail($"{ShapeMath.Format(t.Shape)} does not broadcast to the normalised shape {ShapeMath.Format(normalized)}");
            return Broadcasting.BroadcastStrides(t.Shape, normalized);
        }
        var scaleIndex = Expand(ScaleStrides(scale), normalized);
        var biasIndex = bias is null ? null : Expand(ScaleStrides(bias), normalized);
        int[] statShape = [.. x.Shape[..axis], .. Enumerable.Repeat(1, x.Rank - axis)];
        var y = context.Allocate(DataType.Float, x.Shape);
        var meanOut = context.HasOutput(1) ? context.Allocate(DataType.Float, statShape) : null;
        var invOut = context.HasOutput(2) ? context.Allocate(DataType.Float, statShape) : null;
        var epsilon = (double)context.Attributes.GetFloat("epsilon", 1e-5f);
        var xs = (float[])x.Data;
        var ys = (float[])y.Data;
        var ss = (float[])scale.Data;
        var bs = (float[]?)bias?.Data;
        var ms = (float[]?)meanOut?.Data;
        var isd = (float[]?)invOut?.Data;
        context.Parallelism.For(rows, r =>
        {
            var src = xs.AsSpan(r * size, size);
            var dst = ys.AsSpan(r * size, size);
            var sum = 0.0;
            foreach (var v in src) sum += v;
            var mean = sum / size;
            var squares = 0.0;
            foreach (var v in src) squares += (v - mean) * (v - mean);
            var inv = 1.0 / Math.Sqrt(squares / size + epsilon);
            for (var j = 0; j < size; j++)
            {
                var v = (src[j] - mean) * inv * ss[scaleIndex[j]];
                if (bs is not null) v += bs[biasIndex![j]];
                dst[j] = (float)v;
            }
            if (ms is not null) ms[r] = (float)mean;
            if (isd is not null) isd[r] = (float)inv;
        }, size * 3L);
        context.SetOutput(0, y);
        if (meanOut is not null) context.SetOutput(1, meanOut);
        if (invOut is not null) context.SetOutput(2, invOut);
    }

    /// <summary>For each position of the normalised shape, the flat index into a broadcast operand.</summary>
    private static int[] Expand(int[] strides, int[] shape)
    {
        var count = ShapeMath.ElementCount(shape);
        var result = new int[count];
        var index = new int[shape.Length];
        var offset = 0;
        for (var i = 0; i < count; i++)
        {
            result[i] = offset;
            for (var axis = shape.Length - 1; axis >= 0; axis--)
            {
                index[axis]++;
                offset += strides[axis];
                if (index[axis] < shape[axis]) break;
                offset -= strides[axis] * shape[axis];
                index[axis] = 0;
            }
        }
        return result;
    }
}

using Compression.Evaluation.Execution;
using Compression.Evaluation.Inference;
using Compression.Evaluation.Tensors;

namespace Compression.Evaluation.Kernels.TensorOps;

/// <summary>
/// Split (2, 11 with the <c>split</c> attribute; 13 with the optional split input): cuts the input along <c>axis</c>
/// into the given lengths, or into as many equal parts as the node has outputs; 18 num_outputs: without a split input,
/// parts of ceil(extent / num_outputs), the last one smaller when the extent does not divide).
/// </summary>
internal sealed class Split : IKernel
{
    public IReadOnlyList<ValueInfo> Infer(InferenceContext context)
    {
        var input = context.Input(0);
        var type = input?.ElementType ?? default;
        var count = context.OutputCount;
        if (input?.Shape is null) return Enumerable.Repeat(new ValueInfo(type, null), count).ToList();
        var axis = ShapeMath.NormalizeAxis(context.Attributes.GetInt("axis", 0), input.Shape.Length);
        var given = context.OperatorVersion >= 13 ? TensorValues.ConstantLongs(context, 1) : context.Attributes.GetInts("split");
        var results = new List<ValueInfo>();
        for (var i = 0; i < count; i++)
        {
            var dims = (Dim[])input.Shape.Clone();
            if (given is { Length: > 0 }) dims[axis] = i < given.Length ? given[i] : Dim.Unknown;
            else if (context.OperatorVersion >= 13 && context.HasInput(1)) dims[axis] = Dim.Unknown;
            else if (!input.Shape[axis].IsKnown) dims[axis] = Dim.Unknown;
            else dims[axis] = EqualParts(input.Shape[axis].Value, count, NumOutputs(context.Attributes, context.OperatorVersion))[i];
            results.Add(new ValueInfo(type, dims));
        }
        return results;
    }

    public void Execute(KernelContext context)
    {
        var input = context.Input(0);
        var axis = ShapeMath.NormalizeAxis(context.Attributes.GetInt("axis", 0), input.Rank);
        var count = context.Node.Output.Count;
        var given = context.OperatorVersion >= 13 ? TensorValues.Longs(context, 1) : context.Attributes.GetInts("split");
        var extent = input.Shape[axis];
        int[] lengths;
        if (given is { Length: > 0 })
        {
            if (given.Length != count || given.Sum() != extent)
                throw context.Fail($"split [{string.Join(", ", given)}] does not cut extent {extent} into {count} outputs");
            lengths = TensorValues.Ints(given);
        }
        else
        {
            var numOutputs = NumOutputs(context.Attributes, context.OperatorVersion);
            if (numOutputs is { } n && n != count) throw context.Fail($"num_outputs {n} differs from the node's {count} outputs");
            if (numOutputs is null && extent % count != 0) throw context.Fail($"extent {extent} does not split evenly into {count} outputs");
            var parts = EqualParts(extent, count, numOutputs);
            lengths = new int[count];
            for (var i = 0; i < count; i++) lengths[i] = checked((int)parts[i]);
        }
        var outer = 1;
        for (var d = 0; d < axis; d++) outer *= input.Shape[d];
        var inner = 1;
        for (var d = axis + 1; d < input.Rank; d++) inner *= input.Shape[d];
        var start = 0;
        for (var i = 0; i < count; i++)
        {
            var block = lengths[i] * inner;
            if (context.HasOutput(i))
            {
                var shape = (int[])input.Shape.Clone();
                shape[axis] = lengths[i];
                var output = context.Allocate(input.ElementType, shape);
                for (var o = 0; o < outer; o++)
                    Array.Copy(input.Data, o * extent * inner + start, output.Data, o * block, block);
                context.SetOutput(i, output);
            }
            start += block;
        }
    }

    private static long? NumOutputs(NodeAttributes attributes, int version) =>
        version >= 18 && attributes.Has("num_outputs") ? attributes.GetInt("num_outputs") : null;

    /// <summary>
    /// Equal parts: extent / count each before 18; with num_outputs, ceil(extent / count) each and the rest last
    /// (never negative: a part past the end is empty).
    /// </summary>
    private static long[] EqualParts(long extent, int count, long? numOutputs)
    {
        var parts = new long[count];
        var chunk = numOutputs is null ? extent / count : (extent + count - 1) / count;
        var left = extent;
        for (var i = 0; i < count; i++)
        {
            parts[i] = i == count - 1 && numOutputs is not null ? left : Math.Min(chunk, left);
            left -= parts[i];
        }
        return parts;
    }
}

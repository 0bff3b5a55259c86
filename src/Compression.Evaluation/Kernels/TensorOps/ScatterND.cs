using Compression.Evaluation.Execution;
using Compression.Evaluation.Inference;

namespace Compression.Evaluation.Kernels.TensorOps;

/// <summary>
/// ScatterND (11; 13 bfloat16; 16 reduction add/mul; 18 max/min): a copy of the data in which each index tuple of
/// the indices (last axis, length k) names a slice data[i1, ..., ik, :] replaced by, or combined with, the matching
/// slice of the updates (shape indices.shape[:-1] + data.shape[k:]).
/// </summary>
internal sealed class ScatterND : IKernel
{
    public IReadOnlyList<ValueInfo> Infer(InferenceContext context) =>
        [new ValueInfo(context.Input(0)?.ElementType ?? default, context.Input(0)?.Shape)];

    public void Execute(KernelContext context)
    {
        var data = context.Input(0);
        var indexTensor = context.Input(1);
        var updates = context.Input(2);
        var kind = ScatterReduction.Parse(context);
        if (updates.ElementType != data.ElementType) throw context.Fail($"updates are {updates.ElementType}, data is {data.ElementType}");
        var (targets, slice) = ScatterGatherND.Offsets(data.Shape, indexTensor, 0, context);
        int[] expected = [.. indexTensor.Shape[..^1], .. data.Shape[indexTensor.Shape[^1]..]];
        if (!expected.AsSpan().SequenceEqual(updates.Shape))
            throw context.Fail($"updates have shape {Tensors.ShapeMath.Format(updates.Shape)}, expected {Tensors.ShapeMath.Format(expected)}");
        var output = context.Allocate(data.ElementType, (int[])data.Shape.Clone());
        ScatterReduction.Apply(data.Data, updates.Data, output.Data, targets, slice, kind, context);
        context.SetOutput(0, output);
    }
}

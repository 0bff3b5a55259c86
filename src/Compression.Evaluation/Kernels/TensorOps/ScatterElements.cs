using Compression.Evaluation.Execution;
using Compression.Evaluation.Inference;
using Compression.Evaluation.Tensors;

namespace Compression.Evaluation.Kernels.TensorOps;

/// <summary>
/// ScatterElements (11; 13 bfloat16; 16 reduction add/mul; 18 max/min), and the deprecated Scatter (9, 11) it
/// replaced: a copy of the data where, for each position p of the indices, output[p with p[axis] = indices[p]] is
/// set to (or combined with) updates[p]. Negative indices count from the end.
/// </summary>
internal sealed class ScatterElements : IKernel
{
    public IReadOnlyList<ValueInfo> Infer(InferenceContext context) =>
        [new ValueInfo(context.Input(0)?.ElementType ?? default, context.Input(0)?.Shape)];

    public void Execute(KernelContext context)
    {
        var data = context.Input(0);
        var indexTensor = context.Input(1);
        var updates = context.Input(2);
        if (indexTensor.Rank != data.Rank) throw context.Fail($"indices have rank {indexTensor.Rank}, data has rank {data.Rank}");
        if (!indexTensor.Shape.AsSpan().SequenceEqual(updates.Shape)) throw context.Fail("indices and updates must have the same shape");
        if (updates.ElementType != data.ElementType) throw context.Fail($"updates are {updates.ElementType}, data is {data.ElementType}");
        var kind = context.Node.OpType == "ScatterElements" ? ScatterReduction.Parse(context) : ScatterReductionKind.None;
        var axis = ShapeMath.NormalizeAxis(context.Attributes.GetInt("axis", 0), data.Rank);
        var indices = TensorValues.Longs(indexTensor) ?? throw context.Fail($"indices must be int32 or int64, not {indexTensor.ElementType}");
        var targets = AxisIndexing.Offsets(data.Shape, indexTensor.Shape, indices, axis, context.Fail);
        var output = context.Allocate(data.ElementType, (int[])data.Shape.Clone());
        ScatterReduction.Apply(data.Data, updates.Data, output.Data, targets, 1, kind, context);
        context.SetOutput(0, output);
    }
}

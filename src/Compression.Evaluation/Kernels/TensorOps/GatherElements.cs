using Compression.Evaluation.Execution;
using Compression.Evaluation.Inference;
using Compression.Evaluation.Tensors;

namespace Compression.Evaluation.Kernels.TensorOps;

/// <summary>
/// GatherElements (11, 13): output[i][j][k] = data[i][index[i][j][k]][k] for axis 1 (likewise for any axis); the
/// output has the indices' shape; negative indices count from the end.
/// </summary>
internal sealed class GatherElements : IKernel
{
    public IReadOnlyList<ValueInfo> Infer(InferenceContext context) =>
        [new ValueInfo(context.Input(0)?.ElementType ?? default, context.Input(1)?.Shape)];

    public void Execute(KernelContext context)
    {
        var data = context.Input(0);
        var indexTensor = context.Input(1);
        if (indexTensor.Rank != data.Rank) throw context.Fail($"indices have rank {indexTensor.Rank}, data has rank {data.Rank}");
        var axis = ShapeMath.NormalizeAxis(context.Attributes.GetInt("axis", 0), data.Rank);
        var indices = TensorValues.Longs(indexTensor) ?? throw context.Fail($"indices must be int32 or int64, not {indexTensor.ElementType}");
        var output = context.Allocate(data.ElementType, (int[])indexTensor.Shape.Clone());
        if (output.Length == 0)
        {
            context.SetOutput(0, output);
            return;
        }
        var offsets = AxisIndexing.Offsets(data.Shape, indexTensor.Shape, indices, axis, context.Fail);
        ElementDispatch.Run(data.Data, output.Data, new Move(offsets));
        context.SetOutput(0, output);
    }

    private readonly struct Move(int[] offsets) : IElementMove
    {
        public void Run<T>(T[] source, T[] destination)
        {
            for (var i = 0; i < offsets.Length; i++) destination[i] = source[offsets[i]];
        }
    }
}

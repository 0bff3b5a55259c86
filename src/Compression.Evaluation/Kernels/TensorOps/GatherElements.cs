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
        // The source offset of each output element: its own index on every axis but `axis`, the gathered one there.
        var strides = ShapeMath.Strides(data.Shape);
        var shape = indexTensor.Shape;
        var offsets = new int[indices.Length];
        var index = new int[shape.Length];
        var extent = data.Shape[axis];
        var baseOffset = 0;
        for (var n = 0; n < offsets.Length; n++)
        {
            var i = indices[n];
            if (i < -extent || i >= extent) throw context.Fail($"index {i} is out of range for extent {extent}");
            if (i < 0) i += extent;
            offsets[n] = baseOffset + (int)i * strides[axis];
            for (var d = shape.Length - 1; d >= 0; d--)
            {
                index[d]++;
                if (d != axis) baseOffset += strides[d];
                if (index[d] < shape[d]) break;
                if (d != axis) baseOffset -= strides[d] * shape[d];
                index[d] = 0;
            }
        }
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

using Compression.Evaluation.Execution;
using Compression.Evaluation.Inference;
using Compression.Evaluation.Tensors;

namespace Compression.Evaluation.Kernels.TensorOps;

/// <summary>
/// Gather (1, 11, 13): picks slices of the data along <c>axis</c> by int32/int64 indices (negative ones count from the
/// end); the output shape is data[:axis] + indices + data[axis+1:].
/// </summary>
internal sealed class Gather : IKernel
{
    public IReadOnlyList<ValueInfo> Infer(InferenceContext context)
    {
        var data = context.Input(0);
        var indices = context.Input(1);
        var type = data?.ElementType ?? default;
        if (data?.Shape is null || indices?.Shape is null) return [new ValueInfo(type, null)];
        var axis = ShapeMath.NormalizeAxis(context.Attributes.GetInt("axis", 0), data.Shape.Length);
        return [new ValueInfo(type, [.. data.Shape[..axis], .. indices.Shape, .. data.Shape[(axis + 1)..]])];
    }

    public void Execute(KernelContext context)
    {
        var data = context.Input(0);
        var indexTensor = context.Input(1);
        var axis = ShapeMath.NormalizeAxis(context.Attributes.GetInt("axis", 0), data.Rank);
        var indices = TensorValues.Longs(indexTensor) ?? throw context.Fail($"indices must be int32 or int64, not {indexTensor.ElementType}");
        var extent = data.Shape[axis];
        foreach (ref var i in indices.AsSpan())
        {
            if (i < -extent || i >= extent) throw context.Fail($"index {i} is out of range for extent {extent}");
            if (i < 0) i += extent;
        }
        int[] shape = [.. data.Shape[..axis], .. indexTensor.Shape, .. data.Shape[(axis + 1)..]];
        var output = context.Allocate(data.ElementType, shape);
        var outer = 1;
        for (var d = 0; d < axis; d++) outer *= data.Shape[d];
        var inner = 1;
        for (var d = axis + 1; d < data.Rank; d++) inner *= data.Shape[d];
        if (output.Length > 0) ElementDispatch.Run(data.Data, output.Data, new Move(indices, outer, extent, inner));
        context.SetOutput(0, output);
    }

    private readonly struct Move(long[] indices, int outer, int extent, int inner) : IElementMove
    {
        public void Run<T>(T[] source, T[] destination)
        {
            var o = 0;
            for (var b = 0; b < outer; b++)
            {
                var baseOffset = b * extent * inner;
                if (inner == 1)
                    foreach (var index in indices) destination[o++] = source[baseOffset + (int)index];
                else
                    foreach (var index in indices)
                    {
                        Array.Copy(source, baseOffset + (int)index * inner, destination, o, inner);
                        o += inner;
                    }
            }
        }
    }
}

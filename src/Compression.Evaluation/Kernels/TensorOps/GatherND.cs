using Compression.Evaluation.Execution;
using Compression.Evaluation.Inference;
using Compression.Evaluation.Tensors;

namespace Compression.Evaluation.Kernels.TensorOps;

/// <summary>
/// GatherND (11; 12 batch_dims; 13 bfloat16): each index tuple (the last axis of the int64 indices, length k) picks a
/// slice data[b..., i1, ..., ik, :] within its batch (the first batch_dims axes, shared by data and indices); the
/// output shape is indices.shape[:-1] + data.shape[batch_dims + k:]. Negative indices count from the end.
/// </summary>
internal sealed class GatherND : IKernel
{
    public IReadOnlyList<ValueInfo> Infer(InferenceContext context)
    {
        var data = context.Input(0);
        var indices = context.Input(1);
        var type = data?.ElementType ?? default;
        if (data?.Shape is null || indices?.Shape is not { Length: > 0 } ishape) return [new ValueInfo(type, null)];
        var batch = (int)context.Attributes.GetInt("batch_dims", 0);
        var last = ishape[^1];
        if (!last.IsKnown) return [new ValueInfo(type, null)];
        var k = (int)last.Value;
        if (batch + k > data.Shape.Length) throw context.Fail($"index tuples of length {k} exceed data rank {data.Shape.Length} after {batch} batch axes");
        return [new ValueInfo(type, [.. ishape[..^1], .. data.Shape[(batch + k)..]])];
    }

    public void Execute(KernelContext context)
    {
        var data = context.Input(0);
        var indexTensor = context.Input(1);
        var batch = (int)context.Attributes.GetInt("batch_dims", 0);
        var (offsets, slice) = ScatterGatherND.Offsets(data.Shape, indexTensor, batch, context);
        var output = context.Allocate(data.ElementType, [.. indexTensor.Shape[..^1], .. data.Shape[(batch + indexTensor.Shape[^1])..]]);
        if (output.Length > 0) ElementDispatch.Run(data.Data, output.Data, new Move(offsets, slice));
        context.SetOutput(0, output);
    }

    private readonly struct Move(int[] offsets, int slice) : IElementMove
    {
        public void Run<T>(T[] source, T[] destination)
        {
            if (slice == 1)
                for (var i = 0; i < offsets.Length; i++) destination[i] = source[offsets[i]];
            else
                for (var i = 0; i < offsets.Length; i++) Array.Copy(source, offsets[i], destination, i * slice, slice);
        }
    }
}

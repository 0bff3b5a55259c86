using Compression.Evaluation.Execution;
using Compression.Evaluation.Inference;
using Compression.Evaluation.Tensors;
using DataType = Compression.Onnx.Protobuf.TensorProto.Types.DataType;

namespace Compression.Evaluation.Kernels.TensorOps;

/// <summary>Size (1, 13): the input's element count as an int64 scalar (constant during inference when the shape is known).</summary>
internal sealed class Size : IKernel
{
    public IReadOnlyList<ValueInfo> Infer(InferenceContext context)
    {
        var input = context.Input(0);
        if (input?.Shape is not null && TensorValues.Product(input.Shape) is { IsKnown: true } count)
            return [ValueInfo.Of(Tensor.Scalar(count.Value))];
        return [ValueInfo.Known(DataType.Int64)];
    }

    public void Execute(KernelContext context)
    {
        var output = context.Allocate(DataType.Int64, []);
        output.Span<long>()[0] = context.Input(0).Length;
        context.SetOutput(0, output);
    }
}

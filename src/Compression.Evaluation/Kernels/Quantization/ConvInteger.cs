using Compression.Evaluation.Execution;
using Compression.Evaluation.Inference;
using Compression.Evaluation.Kernels.NeuralNetwork.Convolution;
using DataType = Compression.Onnx.Protobuf.TensorProto.Types.DataType;

namespace Compression.Evaluation.Kernels.Quantization;

/// <summary>
/// ConvInteger (version 10): int32 convolution of int8/uint8 data and weights after subtracting their zero points
/// (x's per tensor, w's per tensor or per output channel). Exact integers, so equal to ONNX Runtime bit for bit.
/// </summary>
internal sealed class ConvInteger : IKernel
{
    public IReadOnlyList<ValueInfo> Infer(InferenceContext context) =>
        ConvOperands.Infer(context, context.Input(0), context.Input(1), DataType.Int32);

    public void Execute(KernelContext context)
    {
        var x = context.Input(0);
        var w = context.Input(1);
        var conv = IntegerConv.Create(context, x, w);
        var xs = IntegerConv.WidenX(context, x, context.OptionalInput(2));
        var ws = conv.WidenW(context, w, context.OptionalInput(3));
        var y = context.Allocate(DataType.Int32, conv.OutputShape);
        conv.Run(xs, ws, context.Parallelism, new Store((int[])y.Data, conv.Plane));
        context.SetOutput(0, y);
    }

    private readonly struct Store(int[] y, int plane) : IntegerConv.IEpilogue
    {
        public void Plane(int item, int filter, ReadOnlySpan<int> sums) => sums.CopyTo(y.AsSpan(item * plane, plane));
    }
}

using Compression.Evaluation.Execution;
using Compression.Evaluation.Inference;
using DataType = Compression.Onnx.Protobuf.TensorProto.Types.DataType;

namespace Compression.Evaluation.Kernels.Quantization;

/// <summary>
/// MatMulInteger (version 10): int32 product of int8/uint8 matrices after subtracting their zero points (A's per
/// tensor or per row, B's per tensor or per column). Exact integer arithmetic, so equal to ONNX Runtime bit for bit.
/// </summary>
internal sealed class MatMulInteger : IKernel
{
    public IReadOnlyList<ValueInfo> Infer(InferenceContext context) =>
        IntegerMatMul.Infer(context.Input(0), context.Input(1), DataType.Int32);

    public void Execute(KernelContext context)
    {
        var a = context.Input(0);
        var b = context.Input(1);
        var product = IntegerMatMul.Create(context, a, b);
        var widenedA = product.WidenA(context, a, context.OptionalInput(2));
        var widenedB = product.WidenB(context, b, context.OptionalInput(3));
        var y = context.Allocate(DataType.Int32, product.OutputShape);
        product.Run(widenedA, widenedB, context.Parallelism, new Store((int[])y.Data, product.N));
        context.SetOutput(0, y);
    }

    private readonly struct Store(int[] y, int n) : IntegerMatMul.IEpilogue
    {
        public void Row(int flatRow, int rowInMatrix, ReadOnlySpan<int> sums) => sums.CopyTo(y.AsSpan(flatRow * n, n));
    }
}

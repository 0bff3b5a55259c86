using System.Numerics;
using Compression.Evaluation.Execution;
using Compression.Evaluation.Inference;
using Compression.Evaluation.Tensors;
using DataType = Compression.Onnx.Protobuf.TensorProto.Types.DataType;

namespace Compression.Evaluation.Kernels.Elementwise;

/// <summary>
/// A broadcasting binary arithmetic operator (Add, Sub, Mul, Div, ...): both inputs of one element type, output of the
/// same type and the broadcast shape. Float16 follows .NET's Half, which computes in float and rounds once.
/// </summary>
internal sealed class BinaryKernel<TOp> : IKernel where TOp : struct, IBinaryOperation
{
    public IReadOnlyList<ValueInfo> Infer(InferenceContext context)
    {
        var a = context.Input(0);
        var b = context.Input(1);
        var type = a?.ElementType ?? b?.ElementType ?? DataType.Undefined;
        return [new ValueInfo(type, Broadcasting.Infer(a?.Shape, b?.Shape))];
    }

    public void Execute(KernelContext context)
    {
        var a = context.Input(0);
        var b = context.Input(1);
        if (a.ElementType != b.ElementType)
            throw context.Fail($"inputs have different element types ({a.ElementType} and {b.ElementType})");
        var shape = ShapeMath.Broadcast(a.Shape, b.Shape)
            ?? throw context.Fail($"shapes {ShapeMath.Format(a.Shape)} and {ShapeMath.Format(b.Shape)} do not broadcast");
        var output = context.Allocate(a.ElementType, shape);
        switch (a.ElementType)
        {
            case DataType.Float: Run<float>(a, b, output); break;
            case DataType.Double: Run<double>(a, b, output); break;
            case DataType.Float16: Run<Half>(a, b, output); break;
            case DataType.Int8: Run<sbyte>(a, b, output); break;
            case DataType.Uint8: Run<byte>(a, b, output); break;
            case DataType.Int16: Run<short>(a, b, output); break;
            case DataType.Uint16: Run<ushort>(a, b, output); break;
            case DataType.Int32: Run<int>(a, b, output); break;
            case DataType.Uint32: Run<uint>(a, b, output); break;
            case DataType.Int64: Run<long>(a, b, output); break;
            case DataType.Uint64: Run<ulong>(a, b, output); break;
            default: throw context.Fail($"element type {a.ElementType} is not supported");
        }
        context.SetOutput(0, output);
    }

    private static void Run<T>(Tensor a, Tensor b, Tensor output) where T : INumber<T>
    {
        var x = (T[])a.Data;
        var y = (T[])b.Data;
        var r = (T[])output.Data;
        Broadcasting.ForEachRun(a.Shape, b.Shape, output.Shape, (o, ia, sa, ib, sb, n) =>
        {
            for (var i = 0; i < n; i++, ia += sa, ib += sb)
                r[o + i] = TOp.Apply(x[ia], y[ib]);
        });
    }
}

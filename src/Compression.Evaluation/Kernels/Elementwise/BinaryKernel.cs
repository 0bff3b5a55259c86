using System.Numerics;
using System.Runtime.Intrinsics;
using Compression.Evaluation.Execution;
using Compression.Evaluation.Inference;
using Compression.Evaluation.Tensors;
using DataType = Compression.Onnx.Protobuf.TensorProto.Types.DataType;

namespace Compression.Evaluation.Kernels.Elementwise;

/// <summary>
/// A broadcasting binary arithmetic operator (Add, Sub, Mul, Div, ...): both inputs of one element type, output of the
/// same type and the broadcast shape. Float16 follows .NET's Half, which computes in float and rounds once; bfloat16 is
/// computed in float and rounded once. Versions before 7 use the legacy broadcast/axis attributes.
/// </summary>
internal sealed class BinaryKernel<TOp> : IKernel where TOp : struct, IBinaryOperation
{
    public IReadOnlyList<ValueInfo> Infer(InferenceContext context)
    {
        var a = context.Input(0);
        var b = context.Input(1);
        var type = a?.ElementType ?? b?.ElementType ?? DataType.Undefined;
        if (LegacyBroadcast.IsLegacy(context)) return [new ValueInfo(type, a?.Shape)];
        return [new ValueInfo(type, Broadcasting.Infer(a?.Shape, b?.Shape))];
    }

    public void Execute(KernelContext context)
    {
        var a = context.Input(0);
        var b = context.Input(1);
        if (a.ElementType != b.ElementType)
            throw context.Fail($"inputs have different element types ({a.ElementType} and {b.ElementType})");
        var shapeB = LegacyBroadcast.ShapeOfB(context, a.Shape, b.Shape);
        var shape = ShapeMath.Broadcast(a.Shape, shapeB)
            ?? throw context.Fail($"shapes {ShapeMath.Format(a.Shape)} and {ShapeMath.Format(b.Shape)} do not broadcast");
        var output = context.Allocate(a.ElementType, shape);
        var p = context.Parallelism;
        switch (a.ElementType)
        {
            case DataType.Float: Run<float>(a, shapeB, b, output, p); break;
            case DataType.Double: Run<double>(a, shapeB, b, output, p); break;
            case DataType.Float16: Run<Half>(a, shapeB, b, output, p); break;
            case DataType.Bfloat16:
                var result = new float[output.Length];
                BinaryLoop.Run<float, float, float, Arithmetic<TOp, float>>(FloatData.Of(a), a.Shape, FloatData.Of(b),
                    shapeB, result, shape, p);
                FloatData.Store(result, output);
                break;
            case DataType.Int8: Run<sbyte>(a, shapeB, b, output, p); break;
            case DataType.Uint8: Run<byte>(a, shapeB, b, output, p); break;
            case DataType.Int16: Run<short>(a, shapeB, b, output, p); break;
            case DataType.Uint16: Run<ushort>(a, shapeB, b, output, p); break;
            case DataType.Int32: Run<int>(a, shapeB, b, output, p); break;
            case DataType.Uint32: Run<uint>(a, shapeB, b, output, p); break;
            case DataType.Int64: Run<long>(a, shapeB, b, output, p); break;
            case DataType.Uint64: Run<ulong>(a, shapeB, b, output, p); break;
            default: throw context.Fail($"element type {a.ElementType} is not supported");
        }
        context.SetOutput(0, output);
    }

    private static void Run<T>(Tensor a, int[] shapeB, Tensor b, Tensor output, Parallelism parallelism)
        where T : INumber<T> =>
        BinaryLoop.Run<T, T, T, Arithmetic<TOp, T>>((T[])a.Data, a.Shape, (T[])b.Data, shapeB, (T[])output.Data,
            output.Shape, parallelism);
}

/// <summary>Adapts an arithmetic operation to the loops for one element type.</summary>
internal struct Arithmetic<TOp, T> : IBinaryFunction<T, T, T> where TOp : struct, IBinaryOperation where T : INumber<T>
{
    public static T Apply(T a, T b) => TOp.Apply(a, b);

    public static bool VectorizesFloat => typeof(T) == typeof(float) && TOp.VectorizesFloat;

    public static Vector256<float> Apply(Vector256<float> a, Vector256<float> b) => TOp.Apply(a, b);
}

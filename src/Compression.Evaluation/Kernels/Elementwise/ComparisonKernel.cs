using System.Numerics;
using Compression.Evaluation.Execution;
using Compression.Evaluation.Inference;
using Compression.Evaluation.Tensors;
using DataType = Compression.Onnx.Protobuf.TensorProto.Types.DataType;

namespace Compression.Evaluation.Kernels.Elementwise;

/// <summary>A comparison of two numbers (NaN compares false, except for not-equal which ONNX does not have).</summary>
internal interface IComparison
{
    static abstract bool Compare<T>(T a, T b) where T : INumber<T>;

    /// <summary>Whether the comparison is defined for strings (Equal from 19: ordinal equality).</summary>
    static virtual bool SupportsStrings => false;
}

/// <summary>
/// Equal, Less, LessOrEqual, Greater, GreaterOrEqual: a bool tensor of the broadcast shape. Both inputs have one element
/// type; bool inputs compare false &lt; true; float16 compares exactly as float, bfloat16 through float (exact).
/// </summary>
internal sealed class ComparisonKernel<TOp> : IKernel where TOp : struct, IComparison
{
    public IReadOnlyList<ValueInfo> Infer(InferenceContext context) =>
        [new ValueInfo(DataType.Bool, Broadcasting.Infer(context.Input(0)?.Shape, context.Input(1)?.Shape))];

    public void Execute(KernelContext context)
    {
        var a = context.Input(0);
        var b = context.Input(1);
        if (a.ElementType != b.ElementType)
            throw context.Fail($"inputs have different element types ({a.ElementType} and {b.ElementType})");
        var shape = ShapeMath.Broadcast(a.Shape, b.Shape)
            ?? throw context.Fail($"shapes {ShapeMath.Format(a.Shape)} and {ShapeMath.Format(b.Shape)} do not broadcast");
        var output = context.Allocate(DataType.Bool, shape);
        var r = (bool[])output.Data;
        var p = context.Parallelism;
        switch (a.ElementType)
        {
            case DataType.Float: Run<float>(a, b, r, shape, p); break;
            case DataType.Double: Run<double>(a, b, r, shape, p); break;
            case DataType.Float16: Run<Half>(a, b, r, shape, p); break;
            case DataType.Bfloat16:
                BinaryLoop.Run<float, float, bool, Comparison<TOp, float>>(FloatData.Of(a), a.Shape, FloatData.Of(b), b.Shape, r, shape, p);
                break;
            case DataType.Int8: Run<sbyte>(a, b, r, shape, p); break;
            case DataType.Uint8: Run<byte>(a, b, r, shape, p); break;
            case DataType.Int16: Run<short>(a, b, r, shape, p); break;
            case DataType.Uint16: Run<ushort>(a, b, r, shape, p); break;
            case DataType.Int32: Run<int>(a, b, r, shape, p); break;
            case DataType.Uint32: Run<uint>(a, b, r, shape, p); break;
            case DataType.Int64: Run<long>(a, b, r, shape, p); break;
            case DataType.Uint64: Run<ulong>(a, b, r, shape, p); break;
            case DataType.Bool:
                BinaryLoop.Run<bool, bool, bool, BoolComparison<TOp>>((bool[])a.Data, a.Shape, (bool[])b.Data, b.Shape, r, shape, p);
                break;
            case DataType.String when TOp.SupportsStrings:
                BinaryLoop.Run<string, string, bool, StringEquality>((string[])a.Data, a.Shape, (string[])b.Data, b.Shape, r, shape, p);
                break;
            default: throw context.Fail($"element type {a.ElementType} is not supported");
        }
        context.SetOutput(0, output);
    }

    private static void Run<T>(Tensor a, Tensor b, bool[] r, int[] shape, Parallelism p) where T : INumber<T> =>
        BinaryLoop.Run<T, T, bool, Comparison<TOp, T>>((T[])a.Data, a.Shape, (T[])b.Data, b.Shape, r, shape, p);
}

internal struct Comparison<TOp, T> : IBinaryFunction<T, T, bool> where TOp : struct, IComparison where T : INumber<T>
{
    public static bool Apply(T a, T b) => TOp.Compare(a, b);
}

internal struct BoolComparison<TOp> : IBinaryFunction<bool, bool, bool> where TOp : struct, IComparison
{
    public static bool Apply(bool a, bool b) => TOp.Compare(a ? 1 : 0, b ? 1 : 0);
}

/// <summary>Ordinal string equality (the UTF-8 bytes equal), as ONNX Runtime compares std::string.</summary>
internal struct StringEquality : IBinaryFunction<string, string, bool>
{
    public static bool Apply(string a, string b) => string.Equals(a, b, StringComparison.Ordinal);
}

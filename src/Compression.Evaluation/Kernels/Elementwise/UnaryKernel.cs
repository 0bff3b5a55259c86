using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using Compression.Evaluation.Execution;
using Compression.Evaluation.Inference;
using Compression.Evaluation.Tensors;
using Compression.Onnx.Tensors;
using DataType = Compression.Onnx.Protobuf.TensorProto.Types.DataType;

namespace Compression.Evaluation.Kernels.Elementwise;

/// <summary>
/// A unary elementwise operator: output of the input's type and shape. Attributes alpha, beta and gamma are read with
/// the operator's defaults given at registration. Large tensors are split into ranges over threads; each element is
/// computed by the same single call whatever the split.
/// </summary>
internal sealed class UnaryKernel<TOp> : IKernel where TOp : struct, IUnaryOperation
{
    private const int PieceElements = 16384;

    private readonly UnaryParameters _defaults;

    public UnaryKernel(float alpha = 0f, float beta = 0f, float gamma = 0f) => _defaults = new(alpha, beta, gamma);

    public IReadOnlyList<ValueInfo> Infer(InferenceContext context)
    {
        var x = context.Input(0);
        return [new ValueInfo(x?.ElementType ?? DataType.Undefined, x?.Shape)];
    }

    public void Execute(KernelContext context)
    {
        var x = context.Input(0);
        var a = context.Attributes;
        var p = new UnaryParameters(a.GetFloat("alpha", _defaults.Alpha), a.GetFloat("beta", _defaults.Beta),
            a.GetFloat("gamma", _defaults.Gamma));
        var output = context.Allocate(x.ElementType, x.Shape);
        switch (x.ElementType)
        {
            case DataType.Float: Split(context, x.Length, (s, e) => Floats((float[])x.Data, (float[])output.Data, s, e, p)); break;
            case DataType.Double: Split(context, x.Length, (s, e) => Doubles((double[])x.Data, (double[])output.Data, s, e, p)); break;
            case DataType.Float16: Split(context, x.Length, (s, e) => Halves((Half[])x.Data, (Half[])output.Data, s, e, p)); break;
            case DataType.Bfloat16: Split(context, x.Length, (s, e) => BFloats((BFloat16[])x.Data, (BFloat16[])output.Data, s, e, p)); break;
            case DataType.Int8 when TOp.SupportsIntegers: Integers<sbyte>(x, output); break;
            case DataType.Int16 when TOp.SupportsIntegers: Integers<short>(x, output); break;
            case DataType.Int32 when TOp.SupportsIntegers: Integers<int>(x, output); break;
            case DataType.Int64 when TOp.SupportsIntegers: Integers<long>(x, output); break;
            case DataType.Uint8 when TOp.SupportsIntegers: Integers<byte>(x, output); break;
            case DataType.Uint16 when TOp.SupportsIntegers: Integers<ushort>(x, output); break;
            case DataType.Uint32 when TOp.SupportsIntegers: Integers<uint>(x, output); break;
            case DataType.Uint64 when TOp.SupportsIntegers: Integers<ulong>(x, output); break;
            default: throw context.Fail($"element type {x.ElementType} is not supported");
        }
        context.SetOutput(0, output);
    }

    private static void Split(KernelContext context, int count, Action<int, int> range)
    {
        var pieces = Math.Max(1, Math.Min(context.Parallelism.Threads * 4, count / PieceElements));
        if (pieces == 1)
        {
            range(0, count);
            return;
        }
        context.Parallelism.For(pieces, i => range((int)((long)count * i / pieces), (int)((long)count * (i + 1) / pieces)),
            count / pieces);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Floats(float[] x, float[] r, int start, int end, UnaryParameters p)
    {
        var source = x.AsSpan(start, end - start);
        var target = r.AsSpan(start, end - start);
        var i = 0;
        if (TOp.VectorizesFloat)
            for (; i + 8 <= source.Length; i += 8) TOp.Apply(Vector256.Create<float>(source.Slice(i, 8)), p).CopyTo(target.Slice(i, 8));
        for (; i < source.Length; i++) target[i] = TOp.Apply(source[i], p);
    }

    private static void Doubles(double[] x, double[] r, int start, int end, UnaryParameters p)
    {
        var source = x.AsSpan(start, end - start);
        var target = r.AsSpan(start, end - start);
        for (var i = 0; i < source.Length; i++) target[i] = TOp.Apply(source[i], p);
    }

    private static void Halves(Half[] x, Half[] r, int start, int end, UnaryParameters p)
    {
        var source = x.AsSpan(start, end - start);
        var target = r.AsSpan(start, end - start);
        for (var i = 0; i < source.Length; i++) target[i] = (Half)TOp.Apply((float)source[i], p);
    }

    private static void BFloats(BFloat16[] x, BFloat16[] r, int start, int end, UnaryParameters p)
    {
        var source = x.AsSpan(start, end - start);
        var target = r.AsSpan(start, end - start);
        for (var i = 0; i < source.Length; i++) target[i] = BFloat16.FromSingle(TOp.Apply(source[i].ToSingle(), p));
    }

    private static void Integers<T>(Tensor x, Tensor output) where T : INumber<T>
    {
        var source = x.ReadOnlySpan<T>();
        var target = output.Span<T>();
        for (var i = 0; i < source.Length; i++) target[i] = TOp.ApplyInteger(source[i]);
    }
}

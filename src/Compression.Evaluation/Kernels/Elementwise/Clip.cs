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
/// Clip: each element limited to [min, max], as max then min (so min &gt; max gives max, and NaN passes through), the
/// order ONNX Runtime uses. Version 6 takes min/max attributes (defaults: the float range); from version 11 they are
/// optional scalar inputs (absent: no limit), and 12 adds integer types.
/// </summary>
internal sealed class Clip : IKernel
{
    public IReadOnlyList<ValueInfo> Infer(InferenceContext context)
    {
        var x = context.Input(0);
        return [new ValueInfo(x?.ElementType ?? DataType.Undefined, x?.Shape)];
    }

    public void Execute(KernelContext context)
    {
        var x = context.Input(0);
        var output = context.Allocate(x.ElementType, x.Shape);
        switch (x.ElementType)
        {
            case DataType.Float: Run<float>(context, x, output); break;
            case DataType.Double: Run<double>(context, x, output); break;
            case DataType.Float16: Run<Half>(context, x, output); break;
            case DataType.Bfloat16: RunBFloat16(context, x, output); break;
            case DataType.Int8: Run<sbyte>(context, x, output); break;
            case DataType.Uint8: Run<byte>(context, x, output); break;
            case DataType.Int16: Run<short>(context, x, output); break;
            case DataType.Uint16: Run<ushort>(context, x, output); break;
            case DataType.Int32: Run<int>(context, x, output); break;
            case DataType.Uint32: Run<uint>(context, x, output); break;
            case DataType.Int64: Run<long>(context, x, output); break;
            case DataType.Uint64: Run<ulong>(context, x, output); break;
            default: throw context.Fail($"element type {x.ElementType} is not supported");
        }
        context.SetOutput(0, output);
    }

    private static void Run<T>(KernelContext context, Tensor x, Tensor output) where T : INumber<T>
    {
        (bool Has, T Value) lo, hi;
        if (context.OperatorVersion < 11)
        {
            lo = (true, T.CreateSaturating(context.Attributes.GetFloat("min", float.MinValue)));
            hi = (true, T.CreateSaturating(context.Attributes.GetFloat("max", float.MaxValue)));
        }
        else
        {
            lo = Bound<T>(context, 1);
            hi = Bound<T>(context, 2);
        }
        if (typeof(T) == typeof(float))
            ApplyFloat(x.ReadOnlySpan<float>(), output.Span<float>(), lo.Has ? float.CreateTruncating(lo.Value) : float.NegativeInfinity,
                hi.Has ? float.CreateTruncating(hi.Value) : float.PositiveInfinity);
        else
            Apply(x.ReadOnlySpan<T>(), output.Span<T>(), lo, hi);
    }

    /// <summary>
    /// The float loop, eight lanes at a time (an absent bound is an infinity, so NaN still passes and results match the
    /// generic loop bit for bit).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void ApplyFloat(ReadOnlySpan<float> source, Span<float> target, float lo, float hi)
    {
        var l = Vector256.Create(lo);
        var h = Vector256.Create(hi);
        var i = 0;
        for (; i + 8 <= source.Length; i += 8)
            ClipOperation.Apply(Vector256.Create<float>(source.Slice(i, 8)), l, h).CopyTo(target.Slice(i, 8));
        for (; i < source.Length; i++) target[i] = ClipOperation.Apply(source[i], lo, hi);
    }

    private static void RunBFloat16(KernelContext context, Tensor x, Tensor output)
    {
        float? lo = context.OptionalInput(1) is { } l ? FloatData.Of(Scalar(context, l))[0] : null;
        float? hi = context.OptionalInput(2) is { } h ? FloatData.Of(Scalar(context, h))[0] : null;
        var source = x.ReadOnlySpan<BFloat16>();
        var target = output.Span<BFloat16>();
        for (var i = 0; i < source.Length; i++)
            target[i] = BFloat16.FromSingle(ClipOperation.Apply(source[i].ToSingle(), lo ?? float.NegativeInfinity, hi ?? float.PositiveInfinity));
    }

    private static (bool Has, T Value) Bound<T>(KernelContext context, int index) where T : INumber<T>
    {
        if (context.OptionalInput(index) is not { } t) return (false, T.Zero);
        if (t.ElementType != context.Input(0).ElementType)
            throw context.Fail($"input {index} is {t.ElementType}, expected {context.Input(0).ElementType}");
        return (true, Scalar(context, t).ReadOnlySpan<T>()[0]);
    }

    private static Tensor Scalar(KernelContext context, Tensor t) =>
        t.Length == 1 ? t : throw context.Fail($"min and max must be scalars, not {ShapeMath.Format(t.Shape)}");

    private static void Apply<T>(ReadOnlySpan<T> source, Span<T> target, (bool Has, T Value) lo, (bool Has, T Value) hi)
        where T : INumber<T>
    {
        var (hasLo, l) = lo;
        var (hasHi, h) = hi;
        for (var i = 0; i < source.Length; i++)
        {
            var v = source[i];
            if (hasLo && v < l) v = l;
            if (hasHi && v > h) v = h;
            target[i] = v;
        }
    }
}

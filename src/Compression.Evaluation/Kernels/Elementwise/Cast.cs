using System.Globalization;
using System.Numerics;
using Compression.Evaluation.Execution;
using Compression.Evaluation.Inference;
using Compression.Evaluation.Tensors;
using Compression.Onnx.Tensors;
using DataType = Compression.Onnx.Protobuf.TensorProto.Types.DataType;

namespace Compression.Evaluation.Kernels.Elementwise;

/// <summary>
/// Cast (target from the 'to' attribute) and CastLike (target: the second input's element type), with C/ONNX Runtime
/// semantics: floats to integers truncate toward zero (out of range and NaN saturate, as .NET's conversions are defined
/// everywhere, where C leaves them undefined), integers to narrower integers wrap, anything to bool is "nonzero" (NaN
/// is true), bool to numbers is 0/1, to float16 rounds to nearest even, to bfloat16 through float to nearest even.
/// Strings: numbers format as the shortest round-trip decimal ("NaN", "INF", "-INF" for the specials, lower-case
/// exponent, as NumPy prints), and strings parse as numbers (accepting "INF"/"inf"/"Infinity" with either sign).
/// Bool from or to string is not supported: ONNX leaves its spelling undefined.
/// <para>
/// 19 adds the float8 types and 'saturate' (which only affects float8), 21 adds int4/uint4. The executor has no float8
/// tensors, so a cast to or from float8 fails with a clear message. int4/uint4 (held unpacked in sbyte/byte) are read as
/// their values; casting to them follows ONNX Runtime: floats round half away from zero, then every source keeps the
/// low four bits (two's complement for int4), so 7.5 becomes −8 and 100 becomes 4; NaN becomes 0.
/// </para>
/// </summary>
internal sealed class Cast : IKernel
{
    private readonly bool _like;

    public Cast(bool like = false) => _like = like;

    public IReadOnlyList<ValueInfo> Infer(InferenceContext context)
    {
        var x = context.Input(0);
        var to = _like ? context.Input(1)?.ElementType ?? DataType.Undefined : (DataType)context.Attributes.GetInt("to");
        return [new ValueInfo(to, x?.Shape)];
    }

    public void Execute(KernelContext context)
    {
        var x = context.Input(0);
        var to = _like ? context.Input(1).ElementType : (DataType)context.Attributes.GetInt("to");
        if (!ElementClrTypes.IsSupported(to)) throw context.Fail($"cast to {to} is not supported (the executor has no {to} tensors)");
        if (to is DataType.Int4 or DataType.Uint4 && context.OperatorVersion < 21)
            throw context.Fail($"cast to {to} needs {(_like ? "CastLike" : "Cast")} 21");
        if (to == x.ElementType)
        {
            context.SetOutput(0, x);
            return;
        }
        var output = context.Allocate(to, x.Shape);
        switch (x.ElementType)
        {
            case DataType.Float: From((float[])x.Data, x.Length, output, context); break;
            case DataType.Double: From((double[])x.Data, x.Length, output, context); break;
            case DataType.Float16: From((Half[])x.Data, x.Length, output, context); break;
            case DataType.Bfloat16: From(FloatData.Of(x), x.Length, output, context); break;
            case DataType.Int8 or DataType.Int4: From((sbyte[])x.Data, x.Length, output, context); break;
            case DataType.Uint8 or DataType.Uint4: From((byte[])x.Data, x.Length, output, context); break;
            case DataType.Int16: From((short[])x.Data, x.Length, output, context); break;
            case DataType.Uint16: From((ushort[])x.Data, x.Length, output, context); break;
            case DataType.Int32: From((int[])x.Data, x.Length, output, context); break;
            case DataType.Uint32: From((uint[])x.Data, x.Length, output, context); break;
            case DataType.Int64: From((long[])x.Data, x.Length, output, context); break;
            case DataType.Uint64: From((ulong[])x.Data, x.Length, output, context); break;
            case DataType.Bool: FromBool(x.ReadOnlySpan<bool>(), output, context); break;
            case DataType.String: FromString(x.ReadOnlySpan<string>(), output, context); break;
            default: throw context.Fail($"cast from {x.ElementType} is not supported");
        }
        context.SetOutput(0, output);
    }

    private static void From<TFrom>(TFrom[] data, int length, Tensor output, KernelContext context)
        where TFrom : INumber<TFrom>
    {
        var x = new ReadOnlySpan<TFrom>(data, 0, length);
        switch (output.ElementType)
        {
            case DataType.Float: To(x, output.Span<float>()); break;
            case DataType.Double: To(x, output.Span<double>()); break;
            case DataType.Float16: To(x, output.Span<Half>()); break;
            case DataType.Bfloat16:
            {
                var target = output.Span<BFloat16>();
                for (var i = 0; i < x.Length; i++) target[i] = BFloat16.FromSingle(float.CreateTruncating(x[i]));
                break;
            }
            case DataType.Int8: To(x, output.Span<sbyte>()); break;
            case DataType.Uint8: To(x, output.Span<byte>()); break;
            case DataType.Int16: To(x, output.Span<short>()); break;
            case DataType.Uint16: To(x, output.Span<ushort>()); break;
            case DataType.Int32: To(x, output.Span<int>()); break;
            case DataType.Uint32: To(x, output.Span<uint>()); break;
            case DataType.Int64: To(x, output.Span<long>()); break;
            case DataType.Uint64: To(x, output.Span<ulong>()); break;
            case DataType.Bool:
            {
                var target = output.Span<bool>();
                for (var i = 0; i < x.Length; i++) target[i] = x[i] != TFrom.Zero;
                break;
            }
            case DataType.Int4:
            {
                var target = output.Span<sbyte>();
                // Shifting the low nibble to the top and back sign-extends it.
                for (var i = 0; i < x.Length; i++) target[i] = (sbyte)((sbyte)(LowNibble(x[i]) << 4) >> 4);
                break;
            }
            case DataType.Uint4:
            {
                var target = output.Span<byte>();
                for (var i = 0; i < x.Length; i++) target[i] = LowNibble(x[i]);
                break;
            }
            case DataType.String:
            {
                var target = output.Span<string>();
                for (var i = 0; i < x.Length; i++) target[i] = Format(x[i]);
                break;
            }
            default: throw context.Fail($"cast to {output.ElementType} is not supported");
        }
    }

    /// <summary>The low four bits of a value's integer form (floats rounded half away from zero, NaN as 0).</summary>
    private static byte LowNibble<TFrom>(TFrom value) where TFrom : INumber<TFrom>
    {
        if (TFrom.IsInteger(value)) return (byte)(long.CreateTruncating(value) & 0xF);
        if (TFrom.IsNaN(value)) return 0;
        var rounded = Math.Round(double.CreateTruncating(value), MidpointRounding.AwayFromZero);
        return (byte)(long.CreateSaturating(rounded) & 0xF);
    }

    private static void To<TFrom, TTo>(ReadOnlySpan<TFrom> x, Span<TTo> target)
        where TFrom : INumber<TFrom> where TTo : INumber<TTo>
    {
        for (var i = 0; i < x.Length; i++) target[i] = TTo.CreateTruncating(x[i]);
    }

    private static void FromBool(ReadOnlySpan<bool> x, Tensor output, KernelContext context)
    {
        if (output.ElementType == DataType.String) throw context.Fail("cast from bool to string is not supported");
        var numbers = new byte[x.Length];
        for (var i = 0; i < x.Length; i++) numbers[i] = x[i] ? (byte)1 : (byte)0;
        From(numbers, x.Length, output, context);
    }

    private static void FromString(ReadOnlySpan<string> x, Tensor output, KernelContext context)
    {
        switch (output.ElementType)
        {
            case DataType.Float or DataType.Double or DataType.Float16 or DataType.Bfloat16:
            {
                var values = new double[x.Length];
                for (var i = 0; i < x.Length; i++)
                    values[i] = ParseFloat(x[i]) ?? throw context.Fail($"'{x[i]}' is not a number");
                From(values, values.Length, output, context);
                break;
            }
            case DataType.Int8 or DataType.Uint8 or DataType.Int16 or DataType.Uint16 or DataType.Int32 or DataType.Int64:
            {
                var values = new long[x.Length];
                for (var i = 0; i < x.Length; i++)
                    values[i] = long.TryParse(x[i], NumberStyles.Integer, CultureInfo.InvariantCulture, out var v)
                        ? v : throw context.Fail($"'{x[i]}' is not an integer");
                From(values, values.Length, output, context);
                break;
            }
            case DataType.Uint32 or DataType.Uint64:
            {
                var values = new ulong[x.Length];
                for (var i = 0; i < x.Length; i++)
                    values[i] = ulong.TryParse(x[i], NumberStyles.Integer, CultureInfo.InvariantCulture, out var v)
                        ? v : throw context.Fail($"'{x[i]}' is not an unsigned integer");
                From(values, values.Length, output, context);
                break;
            }
            default: throw context.Fail($"cast from string to {output.ElementType} is not supported");
        }
    }

    private static double? ParseFloat(string s)
    {
        var t = s.Trim();
        var body = t.TrimStart('+', '-');
        var negative = t.StartsWith('-');
        if (body.Equals("inf", StringComparison.OrdinalIgnoreCase) || body.Equals("infinity", StringComparison.OrdinalIgnoreCase))
            return negative ? double.NegativeInfinity : double.PositiveInfinity;
        if (body.Equals("nan", StringComparison.OrdinalIgnoreCase)) return double.NaN;
        return double.TryParse(t, NumberStyles.Float, CultureInfo.InvariantCulture, out var v) ? v : null;
    }

    private static string Format<T>(T value) where T : INumber<T>
    {
        if (T.IsNaN(value)) return "NaN";
        if (T.IsInfinity(value)) return T.IsNegative(value) ? "-INF" : "INF";
        // .NET's default formatting is the shortest string that round-trips, as NumPy's; only the exponent differs.
        return value.ToString(null, CultureInfo.InvariantCulture).Replace('E', 'e');
    }
}

using Compression.Evaluation.Tensors;
using System.Numerics;
using Compression.Onnx.Tensors;
using DataType = Compression.Onnx.Protobuf.TensorProto.Types.DataType;

namespace Compression.Evaluation.Kernels.Quantization;

/// <summary>
/// The integer and float element types the quantization kernels read and write. Integers are widened to int once so
/// the arithmetic is type-free (every quantized type fits int32 exactly); results are narrowed once at the end.
/// </summary>
internal static class IntegerData
{
    public static bool IsFloat8(DataType type) => type is DataType.Float8E4M3Fn or DataType.Float8E4M3Fnuz
        or DataType.Float8E5M2 or DataType.Float8E5M2Fnuz;

    /// <summary>The quantized types and their saturation range.</summary>
    public static (int Min, int Max)? Range(DataType type) => type switch
    {
        DataType.Int8 => (sbyte.MinValue, sbyte.MaxValue),
        DataType.Uint8 => (byte.MinValue, byte.MaxValue),
        DataType.Int16 => (short.MinValue, short.MaxValue),
        DataType.Uint16 => (ushort.MinValue, ushort.MaxValue),
        DataType.Int4 => (-8, 7),
        DataType.Uint4 => (0, 15),
        _ => null,
    };

    /// <summary>The values as int (int32 included, for DequantizeLinear of biases); null for a non-integer type.</summary>
    public static int[]? Widen(Tensor t)
    {
        var result = new int[t.Length];
        switch (t.ElementType)
        {
            case DataType.Int8 or DataType.Int4: Copy(t.ReadOnlySpan<sbyte>(), result); break;
            case DataType.Uint8 or DataType.Uint4: Copy(t.ReadOnlySpan<byte>(), result); break;
            case DataType.Int16: Copy(t.ReadOnlySpan<short>(), result); break;
            case DataType.Uint16: Copy(t.ReadOnlySpan<ushort>(), result); break;
            case DataType.Int32: t.ReadOnlySpan<int>().CopyTo(result); break;
            default: return null;
        }
        return result;
    }

    /// <summary>Float, float16 or bfloat16 values as float (exact widening); null for other types.</summary>
    public static float[]? Floats(Tensor t)
    {
        switch (t.ElementType)
        {
            case DataType.Float: return t.ToArray<float>();
            case DataType.Float16:
            {
                var source = t.ReadOnlySpan<Half>();
                var result = new float[source.Length];
                for (var i = 0; i < result.Length; i++) result[i] = (float)source[i];
                return result;
            }
            case DataType.Bfloat16:
            {
                var source = t.ReadOnlySpan<BFloat16>();
                var result = new float[source.Length];
                for (var i = 0; i < result.Length; i++) result[i] = source[i].ToSingle();
                return result;
            }
            default: return null;
        }
    }

    /// <summary>Writes already saturated ints into a tensor of a quantized type.</summary>
    public static void Narrow(ReadOnlySpan<int> values, Tensor output)
    {
        switch (output.ElementType)
        {
            case DataType.Int8 or DataType.Int4: Narrow(values, output.Span<sbyte>()); break;
            case DataType.Uint8 or DataType.Uint4: Narrow(values, output.Span<byte>()); break;
            case DataType.Int16: Narrow(values, output.Span<short>()); break;
            case DataType.Uint16: Narrow(values, output.Span<ushort>()); break;
            default: throw new NotSupportedException($"quantized output of type {output.ElementType}");
        }
    }

    /// <summary>Writes floats into a float, float16 or bfloat16 tensor, rounding each once to nearest even.</summary>
    public static void Narrow(ReadOnlySpan<float> values, Tensor output)
    {
        switch (output.ElementType)
        {
            case DataType.Float: values.CopyTo(output.Span<float>()); break;
            case DataType.Float16:
            {
                var y = output.Span<Half>();
                for (var i = 0; i < y.Length; i++) y[i] = (Half)values[i];
                break;
            }
            case DataType.Bfloat16:
            {
                var y = output.Span<BFloat16>();
                for (var i = 0; i < y.Length; i++) y[i] = BFloat16.FromSingle(values[i]);
                break;
            }
            default: throw new NotSupportedException($"float output of type {output.ElementType}");
        }
    }

    /// <summary>
    /// The final step of every quantizing kernel, as ONNX Runtime's MLAS does it on x64: clamp the scaled value to
    /// [min − zp, max − zp] in float (MAXPS/MINPS, so NaN becomes the lower bound), round half to even (CVTPS2DQ),
    /// then add the zero point. Clamping before rounding keeps huge values from overflowing the int conversion.
    /// </summary>
    public static int Saturate(float scaled, int zeroPoint, int min, int max)
    {
        float low = min - zeroPoint, high = max - zeroPoint;
        var v = scaled >= low ? scaled : low;
        if (v > high) v = high;
        return (int)float.Round(v) + zeroPoint;
    }

    /// <summary>
    /// ONNX Runtime's float16 QuantizeLinear, which converts to int32 before saturating: round half to even, then an
    /// x64 float-to-int conversion (NaN, ±inf and values beyond int32 give int.MinValue), a wrapping add of the zero
    /// point, and the clamp. So +inf quantizes to the type's minimum, or to its maximum when a negative zero point
    /// wraps int.MinValue around.
    /// </summary>
    public static int SaturateThroughInt32(float scaled, int zeroPoint, int min, int max)
    {
        var rounded = float.Round(scaled);
        var value = rounded >= -2147483648f && rounded < 2147483648f ? (int)rounded : int.MinValue;
        return Math.Clamp(unchecked(value + zeroPoint), min, max);
    }

    private static void Copy<T>(ReadOnlySpan<T> source, Span<int> target) where T : unmanaged, IBinaryInteger<T>
    {
        for (var i = 0; i < source.Length; i++) target[i] = int.CreateTruncating(source[i]);
    }

    private static void Narrow<T>(ReadOnlySpan<int> values, Span<T> target) where T : unmanaged, IBinaryInteger<T>
    {
        for (var i = 0; i < target.Length; i++) target[i] = T.CreateTruncating(values[i]);
    }
}

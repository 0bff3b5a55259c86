using DataType = Compression.Onnx.Protobuf.TensorProto.Types.DataType;

namespace Compression.Onnx.Tensors;

/// <summary>
/// Decodes the 8- and 4-bit float formats ONNX stores (float8 E4M3FN, E4M3FNUZ, E5M2, E5M2FNUZ, E8M0 and float4 E2M1)
/// into float, which holds every one of their values exactly. The formats differ in bias and in which patterns are NaN
/// or infinity ("FN": finite, no infinity; "UZ": unsigned zero, the negative-zero pattern is the only NaN).
/// </summary>
public static class MiniFloats
{
    public static bool IsMiniFloat(DataType type) => type is DataType.Float8E4M3Fn or DataType.Float8E4M3Fnuz
        or DataType.Float8E5M2 or DataType.Float8E5M2Fnuz or DataType.Float8E8M0 or DataType.Float4E2M1;

    public static float ToSingle(byte bits, DataType type) => type switch
    {
        // In E4M3FN only S.1111.111 is NaN, which is what buys the extra range up to 448.
        DataType.Float8E4M3Fn => (bits & 0x7F) == 0x7F ? float.NaN : Decode(bits, 4, 3, 7),
        DataType.Float8E4M3Fnuz => bits == 0x80 ? float.NaN : Decode(bits, 4, 3, 8),
        DataType.Float8E5M2 => (bits & 0x7C) == 0x7C
            ? (bits & 0x03) != 0 ? float.NaN : (bits & 0x80) != 0 ? float.NegativeInfinity : float.PositiveInfinity
            : Decode(bits, 5, 2, 15),
        DataType.Float8E5M2Fnuz => bits == 0x80 ? float.NaN : Decode(bits, 5, 2, 16),
        // E8M0 is an unsigned power-of-two scale (the MX formats' shared exponent).
        DataType.Float8E8M0 => bits == 0xFF ? float.NaN : MathF.ScaleB(1f, bits - 127),
        DataType.Float4E2M1 => Decode(bits & 0x0F, 2, 1, 1),
        _ => throw new ArgumentOutOfRangeException(nameof(type), type, "not an 8- or 4-bit float type"),
    };

    private static float Decode(int bits, int exponentBits, int mantissaBits, int bias)
    {
        var negative = ((bits >> (exponentBits + mantissaBits)) & 1) != 0;
        var exponent = (bits >> mantissaBits) & ((1 << exponentBits) - 1);
        var mantissa = bits & ((1 << mantissaBits) - 1);
        var magnitude = exponent == 0
            ? MathF.ScaleB(mantissa, 1 - bias - mantissaBits)
            : MathF.ScaleB(mantissa + (1 << mantissaBits), exponent - bias - mantissaBits);
        return negative ? -magnitude : magnitude;
    }
}

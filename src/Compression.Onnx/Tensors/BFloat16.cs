using System.Globalization;

namespace Compression.Onnx.Tensors;

/// <summary>
/// The bfloat16 format (ONNX BFLOAT16): the upper half of an IEEE binary32, so it keeps float's range with 8 bits of
/// precision. .NET has no such type; this one only converts and compares, arithmetic is done in float.
/// </summary>
public readonly struct BFloat16 : IEquatable<BFloat16>
{
    private BFloat16(ushort bits) => Bits = bits;

    /// <summary>The 16-bit pattern as stored in raw_data (little-endian) or int32_data.</summary>
    public ushort Bits { get; }

    public static BFloat16 FromBits(ushort bits) => new(bits);

    /// <summary>
    /// Rounds to nearest, ties to even, as ONNX's reference converter and hardware do; truncation would bias every
    /// weight toward zero. Overflow rounds to infinity; NaN stays NaN (a quiet bit is set because a payload living only
    /// in the dropped low bits would otherwise turn the NaN into an infinity).
    /// </summary>
    public static BFloat16 FromSingle(float value)
    {
        var bits = BitConverter.SingleToUInt32Bits(value);
        if (float.IsNaN(value))
            return new BFloat16((ushort)((bits >> 16) | 0x0040));
        var lsb = (bits >> 16) & 1;
        return new BFloat16((ushort)((bits + 0x7FFFu + lsb) >> 16));
    }

    public float ToSingle() => BitConverter.UInt32BitsToSingle((uint)Bits << 16);

    public bool IsNaN => (Bits & 0x7F80) == 0x7F80 && (Bits & 0x007F) != 0;

    public static explicit operator BFloat16(float value) => FromSingle(value);

    public static explicit operator float(BFloat16 value) => value.ToSingle();

    /// <summary>Equality of the stored bits: two tensors are equal when their bytes are (so +0 ≠ −0, and a NaN equals itself).</summary>
    public bool Equals(BFloat16 other) => Bits == other.Bits;

    public override bool Equals(object? obj) => obj is BFloat16 other && Equals(other);

    public override int GetHashCode() => Bits;

    public static bool operator ==(BFloat16 left, BFloat16 right) => left.Equals(right);

    public static bool operator !=(BFloat16 left, BFloat16 right) => !left.Equals(right);

    public override string ToString() => ToSingle().ToString(CultureInfo.InvariantCulture);
}

namespace Compression.Onnx.Tensors;

/// <summary>
/// ONNX's 4-bit layout: two elements a byte, the first in the low nibble; an odd count leaves the last high nibble 0.
/// </summary>
public static class Int4Packing
{
    public static long PackedByteCount(long count) => (count + 1) / 2;

    /// <summary>Unpacks INT4, sign-extending each nibble (0xF is −1).</summary>
    public static sbyte[] UnpackSigned(ReadOnlySpan<byte> packed, int count)
    {
        CheckLength(packed, count);
        var result = new sbyte[count];
        for (var i = 0; i < count; i++)
        {
            var nibble = (packed[i >> 1] >> ((i & 1) * 4)) & 0x0F;
            result[i] = (sbyte)((sbyte)(nibble << 4) >> 4);
        }
        return result;
    }

    public static byte[] UnpackUnsigned(ReadOnlySpan<byte> packed, int count)
    {
        CheckLength(packed, count);
        var result = new byte[count];
        for (var i = 0; i < count; i++)
            result[i] = (byte)((packed[i >> 1] >> ((i & 1) * 4)) & 0x0F);
        return result;
    }

    /// <summary>Packs values already checked to lie in −8..7 (INT4) or 0..15 (UINT4); only the low nibble is kept.</summary>
    public static byte[] Pack(ReadOnlySpan<byte> nibbles)
    {
        var result = new byte[PackedByteCount(nibbles.Length)];
        for (var i = 0; i < nibbles.Length; i++)
            result[i >> 1] |= (byte)((nibbles[i] & 0x0F) << ((i & 1) * 4));
        return result;
    }

    private static void CheckLength(ReadOnlySpan<byte> packed, int count)
    {
        if (packed.Length < PackedByteCount(count))
            throw new ArgumentException($"{packed.Length} packed bytes cannot hold {count} 4-bit values.", nameof(packed));
    }
}

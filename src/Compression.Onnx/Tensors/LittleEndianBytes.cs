using System.Buffers.Binary;
using System.Runtime.InteropServices;

namespace Compression.Onnx.Tensors;

/// <summary>
/// Moves fixed-width elements between spans of values and ONNX's little-endian byte layout. On little-endian hosts (all
/// that .NET ships for today) this is a plain copy; the swap keeps the format's meaning on any other host.
/// </summary>
internal static class LittleEndianBytes
{
    public static unsafe T[] ToArray<T>(ReadOnlySpan<byte> bytes) where T : unmanaged
    {
        var result = MemoryMarshal.Cast<byte, T>(bytes).ToArray();
        if (!BitConverter.IsLittleEndian)
            ReverseEach(MemoryMarshal.AsBytes(result.AsSpan()), sizeof(T));
        return result;
    }

    public static unsafe byte[] FromSpan<T>(ReadOnlySpan<T> values) where T : unmanaged
    {
        var result = MemoryMarshal.AsBytes(values).ToArray();
        if (!BitConverter.IsLittleEndian)
            ReverseEach(result, sizeof(T));
        return result;
    }

    /// <summary>Reverses the byte order of every element in place (also how big-endian files are brought to ONNX's order).</summary>
    public static void ReverseEach(Span<byte> bytes, int elementSize)
    {
        switch (elementSize)
        {
            case 1:
                return;
            case 2:
                var u16 = MemoryMarshal.Cast<byte, ushort>(bytes);
                BinaryPrimitives.ReverseEndianness(u16, u16);
                return;
            case 4:
                var u32 = MemoryMarshal.Cast<byte, uint>(bytes);
                BinaryPrimitives.ReverseEndianness(u32, u32);
                return;
            case 8:
                var u64 = MemoryMarshal.Cast<byte, ulong>(bytes);
                BinaryPrimitives.ReverseEndianness(u64, u64);
                return;
            default:
                throw new ArgumentOutOfRangeException(nameof(elementSize), elementSize, "element size must be 1, 2, 4 or 8");
        }
    }
}

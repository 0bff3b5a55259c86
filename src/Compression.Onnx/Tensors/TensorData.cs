using System.Runtime.InteropServices;
using Compression.Onnx.Diagnostics;
using Compression.Onnx.Protobuf;
using DataType = Compression.Onnx.Protobuf.TensorProto.Types.DataType;

namespace Compression.Onnx.Tensors;

/// <summary>
/// Reads a tensor's values whichever way they are stored (raw_data or the typed field the format assigns to the
/// element type). Every read validates sizes first (<see cref="TensorValidation"/>), so a tensor whose dims promise
/// more than it carries fails with a coded error before anything is allocated. <paramref name="file"/> arguments name
/// the file errors are reported against.
/// </summary>
public static partial class TensorData
{
    /// <summary>
    /// The values of a tensor whose element type is exactly the one <typeparamref name="T"/> stands for
    /// (<see cref="ClrElementTypes"/>): float, double, Half, BFloat16, sbyte, byte, short, ushort, int, uint, long,
    /// ulong or bool. No conversion happens here; <see cref="ReadAsFloat"/> converts.
    /// </summary>
    public static T[] Read<T>(TensorProto tensor, string? file = null) where T : unmanaged
    {
        RequireType(tensor, ClrElementTypes.Of<T>(), file);
        var result = LittleEndianBytes.ToArray<T>(ReadRawBytes(tensor, file).Span);
        if (typeof(T) == typeof(bool))
        {
            // A bool whose byte is neither 0 nor 1 compares unequal to both true and false in .NET.
            foreach (ref var b in MemoryMarshal.AsBytes(result.AsSpan()))
                b = b != 0 ? (byte)1 : (byte)0;
        }
        return result;
    }

    /// <summary>INT4 values, unpacked and sign-extended to −8..7.</summary>
    public static sbyte[] ReadInt4(TensorProto tensor, string? file = null)
    {
        RequireType(tensor, DataType.Int4, file);
        var bytes = ReadRawBytes(tensor, file);
        return Int4Packing.UnpackSigned(bytes.Span, ArrayLength(tensor, file));
    }

    /// <summary>UINT4 values, unpacked to 0..15.</summary>
    public static byte[] ReadUInt4(TensorProto tensor, string? file = null)
    {
        RequireType(tensor, DataType.Uint4, file);
        var bytes = ReadRawBytes(tensor, file);
        return Int4Packing.UnpackUnsigned(bytes.Span, ArrayLength(tensor, file));
    }

    /// <summary>STRING values decoded as UTF-8 (ONNX stores bytes; invalid sequences become U+FFFD).</summary>
    public static string[] ReadStrings(TensorProto tensor, string? file = null)
    {
        RequireType(tensor, DataType.String, file);
        RequireLoaded(tensor, file);
        TensorValidation.Validate(tensor, file);
        return tensor.StringData.Select(s => s.ToStringUtf8()).ToArray();
    }

    /// <summary>
    /// The values in raw_data layout (little-endian, fixed width, 4-bit types packed) for any fixed-width element type.
    /// Tensors stored in raw_data are returned without a copy.
    /// </summary>
    public static ReadOnlyMemory<byte> ReadRawBytes(TensorProto tensor, string? file = null)
    {
        RequireLoaded(tensor, file);
        var type = (DataType)tensor.DataType;
        if (ElementTypes.BitsPerElement(type) == 0)
            throw new CompressionException(ErrorCodes.TensorElementTypeUnsupported,
                $"tensor '{tensor.Name}' has element type {ElementTypes.Name(tensor)}, which has no fixed-width values.", file);
        TensorValidation.Validate(tensor, file);
        if (tensor.HasRawData)
            return tensor.RawData.Memory;
        var byteCount = ElementTypes.RawByteCount(type, TensorShape.ElementCount(tensor, file));
        if (byteCount > Array.MaxLength)
            throw TooLarge(tensor, file);
        return TypedFields.ToRawBytes(tensor, type, byteCount);
    }

    private static void RequireType(TensorProto tensor, DataType expected, string? file)
    {
        if (tensor.DataType != (int)expected)
            throw new CompressionException(ErrorCodes.TensorElementTypeMismatch,
                $"tensor '{tensor.Name}' holds {ElementTypes.Name(tensor)} values, not {ElementTypes.Name((int)expected)}.", file);
    }

    private static void RequireLoaded(TensorProto tensor, string? file)
    {
        if (tensor.DataLocation == TensorProto.Types.DataLocation.External)
            throw new CompressionException(ErrorCodes.TensorDataNotLoaded,
                $"tensor '{tensor.Name}' keeps its data in an external file that has not been loaded.", file);
    }

    /// <summary>The element count as an array length; 4-bit tensors near 2 GB unpack to more than an array can hold.</summary>
    private static int ArrayLength(TensorProto tensor, string? file)
    {
        var count = TensorShape.ElementCount(tensor, file);
        return count <= Array.MaxLength ? (int)count : throw TooLarge(tensor, file);
    }

    private static CompressionException TooLarge(TensorProto tensor, string? file) =>
        new(ErrorCodes.TensorTooLarge,
            $"tensor '{tensor.Name}' with dims {TensorShape.Format(tensor.Dims)} is too large to read into one array.", file);
}

using DataType = Compression.Onnx.Protobuf.TensorProto.Types.DataType;

namespace Compression.Onnx.DataFiles;

/// <summary>A .npy dtype string ('&lt;f4', '|b1', ...) as an ONNX element type and a byte order.</summary>
internal readonly record struct NpyDType(DataType Type, int ItemSize, bool BigEndian)
{
    /// <summary>The size of the unit whose bytes a big-endian file swaps: a complex number swaps each half.</summary>
    public int SwapUnit => Type is DataType.Complex64 or DataType.Complex128 ? ItemSize / 2 : ItemSize;

    /// <summary>Parses a descr; null when the dtype is one ONNX has no element type for (or is not a dtype at all).</summary>
    public static NpyDType? Parse(string descr)
    {
        if (descr.Length < 3) return null;
        var (type, size) = descr[1..] switch
        {
            "f2" => (DataType.Float16, 2),
            "f4" => (DataType.Float, 4),
            "f8" => (DataType.Double, 8),
            "i1" => (DataType.Int8, 1),
            "u1" => (DataType.Uint8, 1),
            "b1" => (DataType.Bool, 1),
            "i2" => (DataType.Int16, 2),
            "u2" => (DataType.Uint16, 2),
            "i4" => (DataType.Int32, 4),
            "u4" => (DataType.Uint32, 4),
            "i8" => (DataType.Int64, 8),
            "u8" => (DataType.Uint64, 8),
            "c8" => (DataType.Complex64, 8),
            "c16" => (DataType.Complex128, 16),
            _ => (DataType.Undefined, 0),
        };
        if (type == DataType.Undefined) return null;
        // '|' means "byte order not applicable"; NumPy reads it as native for wider types too, and so do we.
        var bigEndian = descr[0] switch
        {
            '<' => false,
            '>' => true,
            '=' or '|' => !BitConverter.IsLittleEndian,
            _ => (bool?)null,
        };
        return bigEndian is null ? null : new NpyDType(type, size, bigEndian.Value);
    }

    /// <summary>The little-endian descr NumPy itself writes for an element type; null if NumPy has no such dtype.</summary>
    public static string? DescrFor(DataType type) => type switch
    {
        DataType.Float16 => "<f2",
        DataType.Float => "<f4",
        DataType.Double => "<f8",
        DataType.Int8 => "|i1",
        DataType.Uint8 => "|u1",
        DataType.Bool => "|b1",
        DataType.Int16 => "<i2",
        DataType.Uint16 => "<u2",
        DataType.Int32 => "<i4",
        DataType.Uint32 => "<u4",
        DataType.Int64 => "<i8",
        DataType.Uint64 => "<u8",
        DataType.Complex64 => "<c8",
        DataType.Complex128 => "<c16",
        _ => null,
    };
}

using Compression.Onnx.Protobuf;
using DataType = Compression.Onnx.Protobuf.TensorProto.Types.DataType;

namespace Compression.Onnx.Tensors;

/// <summary>Facts about ONNX element types (TensorProto.DataType): storage width and names.</summary>
public static class ElementTypes
{
    /// <summary>Bits one element takes in raw_data; 0 for STRING and UNDEFINED, which have no fixed width.</summary>
    public static int BitsPerElement(DataType type) => type switch
    {
        DataType.Float or DataType.Int32 or DataType.Uint32 => 32,
        DataType.Double or DataType.Int64 or DataType.Uint64 or DataType.Complex64 => 64,
        DataType.Complex128 => 128,
        DataType.Float16 or DataType.Bfloat16 or DataType.Int16 or DataType.Uint16 => 16,
        DataType.Int8 or DataType.Uint8 or DataType.Bool => 8,
        DataType.Float8E4M3Fn or DataType.Float8E4M3Fnuz or DataType.Float8E5M2 or DataType.Float8E5M2Fnuz
            or DataType.Float8E8M0 => 8,
        DataType.Int4 or DataType.Uint4 or DataType.Float4E2M1 => 4,
        _ => 0,
    };

    public static int BitsPerElement(int dataType) => BitsPerElement((DataType)dataType);

    /// <summary>Bytes that <paramref name="elementCount"/> elements take in raw_data (sub-byte types packed, rounded up).</summary>
    public static long RawByteCount(DataType type, long elementCount)
    {
        var bits = BitsPerElement(type);
        return bits == 0 ? 0 : checked((elementCount * bits + 7) / 8);
    }

    public static bool IsKnown(int dataType) => Enum.IsDefined(typeof(DataType), dataType) && dataType != 0;

    /// <summary>The lower-case name ONNX tools print (float, float16, int4, ...).</summary>
    public static string Name(int dataType) => IsKnown(dataType)
        ? ((DataType)dataType).ToString().ToLowerInvariant()
        : $"type{dataType}";

    public static string Name(TensorProto tensor) => Name(tensor.DataType);
}

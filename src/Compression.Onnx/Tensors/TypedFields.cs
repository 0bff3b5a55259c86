using System.Buffers.Binary;
using Compression.Onnx.Protobuf;
using DataType = Compression.Onnx.Protobuf.TensorProto.Types.DataType;

namespace Compression.Onnx.Tensors;

/// <summary>
/// Translates between ONNX's typed fields and the raw_data layout, so every other reader and writer handles one form
/// only. The field each type uses is the format's rule (onnx.proto): float_data for float and complex64; double_data
/// for double and complex128; int64_data for int64; uint64_data for uint32 and uint64; int32_data for everything
/// narrower — int32, int16/uint16, int8/uint8, bool, the bit patterns of float16, bfloat16 and float8, and one packed
/// byte (two elements) an entry for int4, uint4 and float4.
/// </summary>
internal static class TypedFields
{
    /// <summary>The tensor's typed-field values as raw_data bytes; the caller has validated the counts.</summary>
    public static byte[] ToRawBytes(TensorProto t, DataType type, long byteCount)
    {
        var bytes = new byte[byteCount];
        var span = bytes.AsSpan();
        switch (type)
        {
            case DataType.Float or DataType.Complex64:
                for (var i = 0; i < t.FloatData.Count; i++) BinaryPrimitives.WriteSingleLittleEndian(span[(i * 4)..], t.FloatData[i]);
                break;
            case DataType.Double or DataType.Complex128:
                for (var i = 0; i < t.DoubleData.Count; i++) BinaryPrimitives.WriteDoubleLittleEndian(span[(i * 8)..], t.DoubleData[i]);
                break;
            case DataType.Int64:
                for (var i = 0; i < t.Int64Data.Count; i++) BinaryPrimitives.WriteInt64LittleEndian(span[(i * 8)..], t.Int64Data[i]);
                break;
            case DataType.Uint64:
                for (var i = 0; i < t.Uint64Data.Count; i++) BinaryPrimitives.WriteUInt64LittleEndian(span[(i * 8)..], t.Uint64Data[i]);
                break;
            case DataType.Uint32:
                for (var i = 0; i < t.Uint64Data.Count; i++) BinaryPrimitives.WriteUInt32LittleEndian(span[(i * 4)..], (uint)t.Uint64Data[i]);
                break;
            case DataType.Int32:
                for (var i = 0; i < t.Int32Data.Count; i++) BinaryPrimitives.WriteInt32LittleEndian(span[(i * 4)..], t.Int32Data[i]);
                break;
            case DataType.Int16 or DataType.Uint16 or DataType.Float16 or DataType.Bfloat16:
                for (var i = 0; i < t.Int32Data.Count; i++) BinaryPrimitives.WriteUInt16LittleEndian(span[(i * 2)..], (ushort)t.Int32Data[i]);
                break;
            case DataType.Bool:
                for (var i = 0; i < t.Int32Data.Count; i++) span[i] = t.Int32Data[i] != 0 ? (byte)1 : (byte)0;
                break;
            case DataType.Int8 or DataType.Uint8 or DataType.Int4 or DataType.Uint4 or DataType.Float4E2M1
                or DataType.Float8E4M3Fn or DataType.Float8E4M3Fnuz or DataType.Float8E5M2 or DataType.Float8E5M2Fnuz
                or DataType.Float8E8M0:
                // Narrow values written as signed (−1) or unsigned (255) both truncate to the same byte.
                for (var i = 0; i < t.Int32Data.Count; i++) span[i] = (byte)t.Int32Data[i];
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(type), type, "no fixed-width typed field");
        }
        return bytes;
    }

    /// <summary>Stores raw_data-layout bytes in the tensor's typed field, as ONNX's own helper would have written them.</summary>
    public static void FromRawBytes(TensorProto t, DataType type, ReadOnlySpan<byte> bytes)
    {
        switch (type)
        {
            case DataType.Float or DataType.Complex64:
                for (var i = 0; i < bytes.Length; i += 4) t.FloatData.Add(BinaryPrimitives.ReadSingleLittleEndian(bytes[i..]));
                break;
            case DataType.Double or DataType.Complex128:
                for (var i = 0; i < bytes.Length; i += 8) t.DoubleData.Add(BinaryPrimitives.ReadDoubleLittleEndian(bytes[i..]));
                break;
            case DataType.Int64:
                for (var i = 0; i < bytes.Length; i += 8) t.Int64Data.Add(BinaryPrimitives.ReadInt64LittleEndian(bytes[i..]));
                break;
            case DataType.Uint64:
                for (var i = 0; i < bytes.Length; i += 8) t.Uint64Data.Add(BinaryPrimitives.ReadUInt64LittleEndian(bytes[i..]));
                break;
            case DataType.Uint32:
                for (var i = 0; i < bytes.Length; i += 4) t.Uint64Data.Add(BinaryPrimitives.ReadUInt32LittleEndian(bytes[i..]));
                break;
            case DataType.Int32:
                for (var i = 0; i < bytes.Length; i += 4) t.Int32Data.Add(BinaryPrimitives.ReadInt32LittleEndian(bytes[i..]));
                break;
            case DataType.Int16:
                for (var i = 0; i < bytes.Length; i += 2) t.Int32Data.Add(BinaryPrimitives.ReadInt16LittleEndian(bytes[i..]));
                break;
            case DataType.Uint16 or DataType.Float16 or DataType.Bfloat16:
                for (var i = 0; i < bytes.Length; i += 2) t.Int32Data.Add(BinaryPrimitives.ReadUInt16LittleEndian(bytes[i..]));
                break;
            case DataType.Int8:
                foreach (var b in bytes) t.Int32Data.Add((sbyte)b);
                break;
            case DataType.Bool:
                foreach (var b in bytes) t.Int32Data.Add(b != 0 ? 1 : 0);
                break;
            case DataType.Uint8 or DataType.Int4 or DataType.Uint4 or DataType.Float4E2M1
                or DataType.Float8E4M3Fn or DataType.Float8E4M3Fnuz or DataType.Float8E5M2 or DataType.Float8E5M2Fnuz
                or DataType.Float8E8M0:
                foreach (var b in bytes) t.Int32Data.Add(b);
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(type), type, "no fixed-width typed field");
        }
    }
}

using Compression.Onnx.Diagnostics;
using Compression.Onnx.Protobuf;
using DataType = Compression.Onnx.Protobuf.TensorProto.Types.DataType;

namespace Compression.Onnx.Tensors;

/// <summary>
/// Checks that a tensor's stored data agrees with its dims and element type, so that every later reader can trust the
/// sizes. A model that says "2^40 floats" but carries twelve bytes is caught here with a coded error, never by an
/// allocation of terabytes or a read past the end.
/// </summary>
public static class TensorValidation
{
    public static void Validate(TensorProto tensor, string? file)
    {
        if (tensor.DataLocation == TensorProto.Types.DataLocation.External)
            return; // resolved (and checked) by the external data reader
        var count = TensorShape.ElementCount(tensor, file);
        var type = (DataType)tensor.DataType;
        if (tensor.HasRawData)
        {
            if (type == DataType.String)
                throw Mismatch(tensor, file, "a string tensor cannot use raw_data");
            var expected = ElementTypes.RawByteCount(type, count);
            if (ElementTypes.BitsPerElement(type) == 0)
                throw new CompressionException(ErrorCodes.TensorElementTypeUnsupported,
                    $"tensor '{tensor.Name}' has unknown element type {tensor.DataType}.", file);
            if (tensor.RawData.Length != expected)
                throw Mismatch(tensor, file,
                    $"raw_data holds {tensor.RawData.Length} bytes but dims {TensorShape.Format(tensor.Dims)} of {ElementTypes.Name(tensor)} need {expected}");
            return;
        }
        var (stored, needed) = TypedCounts(tensor, type, count);
        // An empty typed field with no raw_data is an empty or default-valued tensor only when the dims say so.
        if (stored != needed)
            throw Mismatch(tensor, file,
                $"it stores {stored} values but dims {TensorShape.Format(tensor.Dims)} of {ElementTypes.Name(tensor)} need {needed}");
    }

    /// <summary>How many entries the typed field holds, and how many the dims require (sub-byte types pack two per entry).</summary>
    private static (long Stored, long Needed) TypedCounts(TensorProto t, DataType type, long count) => type switch
    {
        DataType.Float => (t.FloatData.Count, count),
        DataType.Complex64 => (t.FloatData.Count, count * 2),
        DataType.Double => (t.DoubleData.Count, count),
        DataType.Complex128 => (t.DoubleData.Count, count * 2),
        DataType.Int64 => (t.Int64Data.Count, count),
        DataType.Uint32 or DataType.Uint64 => (t.Uint64Data.Count, count),
        DataType.String => (t.StringData.Count, count),
        DataType.Int4 or DataType.Uint4 or DataType.Float4E2M1 => (t.Int32Data.Count, (count + 1) / 2),
        DataType.Undefined => (0, 0),
        _ => (t.Int32Data.Count, count),
    };

    private static CompressionException Mismatch(TensorProto tensor, string? file, string detail) =>
        new(ErrorCodes.TensorDataSizeMismatch, $"tensor '{tensor.Name}' is inconsistent: {detail}.", file);
}

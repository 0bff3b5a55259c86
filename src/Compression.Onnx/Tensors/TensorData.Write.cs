using System.Runtime.InteropServices;
using System.Text;
using Compression.Onnx.Diagnostics;
using Compression.Onnx.Protobuf;
using Google.Protobuf;
using DataType = Compression.Onnx.Protobuf.TensorProto.Types.DataType;

namespace Compression.Onnx.Tensors;

public static partial class TensorData
{
    /// <summary>A new tensor of the element type <typeparamref name="T"/> stands for (see <see cref="Read{T}"/>).</summary>
    public static TensorProto Create<T>(string name, IReadOnlyList<long> dims, ReadOnlySpan<T> values,
        TensorStorage storage = TensorStorage.RawData) where T : unmanaged
    {
        var tensor = new TensorProto { Name = name };
        Replace(tensor, dims, values, storage);
        return tensor;
    }

    /// <summary>
    /// Replaces a tensor's dims, element type and data in place (a pass rewriting an initializer keeps its name,
    /// doc string and metadata). Every earlier form of the data — typed fields, raw_data, external location — is
    /// dropped so no stale copy can shadow the new one. On error the tensor is left unchanged.
    /// </summary>
    public static void Replace<T>(TensorProto tensor, IReadOnlyList<long> dims, ReadOnlySpan<T> values,
        TensorStorage storage = TensorStorage.RawData) where T : unmanaged
    {
        var type = ClrElementTypes.Of<T>();
        RequireCount(tensor.Name, dims, values.Length);
        var bytes = LittleEndianBytes.FromSpan(values);
        if (typeof(T) == typeof(bool))
            foreach (ref var b in bytes.AsSpan())
                b = b != 0 ? (byte)1 : (byte)0;
        SetData(tensor, type, dims, bytes, storage);
    }

    public static TensorProto CreateInt4(string name, IReadOnlyList<long> dims, ReadOnlySpan<sbyte> values,
        TensorStorage storage = TensorStorage.RawData)
    {
        var tensor = new TensorProto { Name = name };
        ReplaceInt4(tensor, dims, values, storage);
        return tensor;
    }

    public static TensorProto CreateUInt4(string name, IReadOnlyList<long> dims, ReadOnlySpan<byte> values,
        TensorStorage storage = TensorStorage.RawData)
    {
        var tensor = new TensorProto { Name = name };
        ReplaceUInt4(tensor, dims, values, storage);
        return tensor;
    }

    /// <summary>Stores INT4 values; each must lie in −8..7, since silently wrapping 8 to −8 would corrupt a model.</summary>
    public static void ReplaceInt4(TensorProto tensor, IReadOnlyList<long> dims, ReadOnlySpan<sbyte> values,
        TensorStorage storage = TensorStorage.RawData)
    {
        RequireCount(tensor.Name, dims, values.Length);
        for (var i = 0; i < values.Length; i++)
            if (values[i] is < -8 or > 7)
                throw OutOfRange(tensor.Name, i, values[i], "int4", "-8..7");
        SetData(tensor, DataType.Int4, dims, Int4Packing.Pack(MemoryMarshal.AsBytes(values)), storage);
    }

    public static void ReplaceUInt4(TensorProto tensor, IReadOnlyList<long> dims, ReadOnlySpan<byte> values,
        TensorStorage storage = TensorStorage.RawData)
    {
        RequireCount(tensor.Name, dims, values.Length);
        for (var i = 0; i < values.Length; i++)
            if (values[i] > 15)
                throw OutOfRange(tensor.Name, i, values[i], "uint4", "0..15");
        SetData(tensor, DataType.Uint4, dims, Int4Packing.Pack(values), storage);
    }

    /// <summary>A STRING tensor; values are stored as UTF-8 in string_data (the only place the format allows).</summary>
    public static TensorProto CreateStrings(string name, IReadOnlyList<long> dims, IReadOnlyList<string> values)
    {
        var tensor = new TensorProto { Name = name };
        ReplaceStrings(tensor, dims, values);
        return tensor;
    }

    public static void ReplaceStrings(TensorProto tensor, IReadOnlyList<long> dims, IReadOnlyList<string> values)
    {
        RequireCount(tensor.Name, dims, values.Count);
        ClearData(tensor);
        tensor.DataType = (int)DataType.String;
        tensor.Dims.Add(dims);
        foreach (var value in values)
            tensor.StringData.Add(ByteString.CopyFrom(value, Encoding.UTF8));
    }

    /// <summary>
    /// Stores bytes already in raw_data layout for any fixed-width type — the way to write the types .NET has no
    /// struct for (float8, float4, complex). The bytes are copied.
    /// </summary>
    public static void ReplaceRawBytes(TensorProto tensor, DataType type, IReadOnlyList<long> dims,
        ReadOnlySpan<byte> littleEndianBytes, TensorStorage storage = TensorStorage.RawData)
    {
        if (ElementTypes.BitsPerElement(type) == 0)
            throw new CompressionException(ErrorCodes.TensorElementTypeUnsupported,
                $"tensor '{tensor.Name}': element type {ElementTypes.Name((int)type)} has no fixed-width values.");
        var count = TensorShape.ElementCount(dims, tensor.Name, null);
        var expected = ElementTypes.RawByteCount(type, count);
        if (littleEndianBytes.Length != expected)
            throw new CompressionException(ErrorCodes.TensorDataSizeMismatch,
                $"tensor '{tensor.Name}': dims {TensorShape.Format(dims)} of {ElementTypes.Name((int)type)} need {expected} bytes, not {littleEndianBytes.Length}.");
        SetData(tensor, type, dims, littleEndianBytes.ToArray(), storage);
    }

    /// <summary>Takes ownership of <paramref name="bytes"/>: wrapping instead of copying halves peak memory for large weights.</summary>
    private static void SetData(TensorProto tensor, DataType type, IReadOnlyList<long> dims, byte[] bytes, TensorStorage storage)
    {
        ClearData(tensor);
        tensor.DataType = (int)type;
        tensor.Dims.Add(dims);
        if (storage == TensorStorage.RawData)
            tensor.RawData = UnsafeByteOperations.UnsafeWrap(bytes);
        else
            TypedFields.FromRawBytes(tensor, type, bytes);
    }

    private static void ClearData(TensorProto tensor)
    {
        tensor.Dims.Clear();
        tensor.ClearRawData();
        tensor.FloatData.Clear();
        tensor.DoubleData.Clear();
        tensor.Int32Data.Clear();
        tensor.Int64Data.Clear();
        tensor.Uint64Data.Clear();
        tensor.StringData.Clear();
        tensor.ExternalData.Clear();
        tensor.ClearDataLocation();
    }

    private static void RequireCount(string name, IReadOnlyList<long> dims, long valueCount)
    {
        var count = TensorShape.ElementCount(dims, name, null);
        if (count != valueCount)
            throw new CompressionException(ErrorCodes.TensorDataSizeMismatch,
                $"tensor '{name}': dims {TensorShape.Format(dims)} need {count} values but {valueCount} were given.");
    }

    private static CompressionException OutOfRange(string name, int index, int value, string type, string range) =>
        new(ErrorCodes.TensorValueOutOfRange, $"tensor '{name}': value {value} at index {index} is outside {type}'s range {range}.");
}

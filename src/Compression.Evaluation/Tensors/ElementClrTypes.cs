using Compression.Onnx.Tensors;
using DataType = Compression.Onnx.Protobuf.TensorProto.Types.DataType;

namespace Compression.Evaluation.Tensors;

/// <summary>The CLR element type that holds each ONNX element type in an executor tensor.</summary>
public static class ElementClrTypes
{
    public static Type Of(DataType type) => type switch
    {
        DataType.Float => typeof(float),
        DataType.Double => typeof(double),
        DataType.Float16 => typeof(Half),
        DataType.Bfloat16 => typeof(BFloat16),
        DataType.Int8 or DataType.Int4 => typeof(sbyte),
        DataType.Uint8 or DataType.Uint4 => typeof(byte),
        DataType.Int16 => typeof(short),
        DataType.Uint16 => typeof(ushort),
        DataType.Int32 => typeof(int),
        DataType.Uint32 => typeof(uint),
        DataType.Int64 => typeof(long),
        DataType.Uint64 => typeof(ulong),
        DataType.Bool => typeof(bool),
        DataType.String => typeof(string),
        _ => throw new NotSupportedException($"element type {type} has no executor representation"),
    };

    public static bool IsSupported(DataType type) => type is DataType.Float or DataType.Double or DataType.Float16
        or DataType.Bfloat16 or DataType.Int8 or DataType.Int4 or DataType.Uint8 or DataType.Uint4 or DataType.Int16
        or DataType.Uint16 or DataType.Int32 or DataType.Uint32 or DataType.Int64 or DataType.Uint64 or DataType.Bool
        or DataType.String;

    /// <summary>The element type a CLR array type holds (int8/uint8 for sbyte/byte: int4 is always explicit).</summary>
    public static DataType DataTypeOf<T>() =>
        ByClrType.TryGetValue(typeof(T), out var type) ? type
            : throw new NotSupportedException($"{typeof(T).Name} is not an executor element type");

    private static readonly Dictionary<Type, DataType> ByClrType = Enum.GetValues<DataType>()
        .Where(t => IsSupported(t) && t is not DataType.Int4 and not DataType.Uint4)
        .ToDictionary(Of);

    public static Array NewArray(DataType type, int length) => Array.CreateInstance(Of(type), length);
}

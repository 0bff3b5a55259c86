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

    public static DataType DataTypeOf<T>() =>
        typeof(T) == typeof(float) ? DataType.Float
        : typeof(T) == typeof(double) ? DataType.Double
        : typeof(T) == typeof(Half) ? DataType.Float16
        : typeof(T) == typeof(BFloat16) ? DataType.Bfloat16
        : typeof(T) == typeof(sbyte) ? DataType.Int8
        : typeof(T) == typeof(byte) ? DataType.Uint8
        : typeof(T) == typeof(short) ? DataType.Int16
        : typeof(T) == typeof(ushort) ? DataType.Uint16
        : typeof(T) == typeof(int) ? DataType.Int32
        : typeof(T) == typeof(uint) ? DataType.Uint32
        : typeof(T) == typeof(long) ? DataType.Int64
        : typeof(T) == typeof(ulong) ? DataType.Uint64
        : typeof(T) == typeof(bool) ? DataType.Bool
        : typeof(T) == typeof(string) ? DataType.String
        : throw new NotSupportedException($"{typeof(T).Name} is not an executor element type");

    public static Array NewArray(DataType type, int length) => Array.CreateInstance(Of(type), length);
}

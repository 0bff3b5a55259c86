using DataType = Compression.Onnx.Protobuf.TensorProto.Types.DataType;

namespace Compression.Onnx.Tensors;

/// <summary>The one .NET type that stands for each fixed-width ONNX element type in <see cref="TensorData"/>.</summary>
public static class ClrElementTypes
{
    /// <summary>The element type <typeparamref name="T"/> stands for; throws for a type no ONNX element maps to.</summary>
    public static DataType Of<T>() where T : unmanaged =>
        TryOf<T>() ?? throw new NotSupportedException($"{typeof(T).Name} is not an ONNX element type.");

    public static DataType? TryOf<T>() where T : unmanaged
    {
        // typeof(T) comparisons are folded by the JIT for value types, so this costs nothing per call.
        if (typeof(T) == typeof(float)) return DataType.Float;
        if (typeof(T) == typeof(double)) return DataType.Double;
        if (typeof(T) == typeof(Half)) return DataType.Float16;
        if (typeof(T) == typeof(BFloat16)) return DataType.Bfloat16;
        if (typeof(T) == typeof(sbyte)) return DataType.Int8;
        if (typeof(T) == typeof(byte)) return DataType.Uint8;
        if (typeof(T) == typeof(short)) return DataType.Int16;
        if (typeof(T) == typeof(ushort)) return DataType.Uint16;
        if (typeof(T) == typeof(int)) return DataType.Int32;
        if (typeof(T) == typeof(uint)) return DataType.Uint32;
        if (typeof(T) == typeof(long)) return DataType.Int64;
        if (typeof(T) == typeof(ulong)) return DataType.Uint64;
        if (typeof(T) == typeof(bool)) return DataType.Bool;
        return null;
    }
}

using Compression.Onnx.Protobuf;
using Compression.Onnx.Tensors;
using DataType = Compression.Onnx.Protobuf.TensorProto.Types.DataType;

namespace Compression.Evaluation.Tensors;

/// <summary>Between the file's TensorProto and the executor's <see cref="Tensor"/>.</summary>
public static class TensorConversion
{
    public static Tensor FromProto(TensorProto proto)
    {
        var type = (DataType)proto.DataType;
        var shape = proto.Dims.Select(d => checked((int)d)).ToArray();
        Array data = type switch
        {
            DataType.Float => TensorData.Read<float>(proto),
            DataType.Double => TensorData.Read<double>(proto),
            DataType.Float16 => TensorData.Read<Half>(proto),
            DataType.Bfloat16 => TensorData.Read<BFloat16>(proto),
            DataType.Int8 => TensorData.Read<sbyte>(proto),
            DataType.Uint8 => TensorData.Read<byte>(proto),
            DataType.Int4 => TensorData.ReadInt4(proto),
            DataType.Uint4 => TensorData.ReadUInt4(proto),
            DataType.Int16 => TensorData.Read<short>(proto),
            DataType.Uint16 => TensorData.Read<ushort>(proto),
            DataType.Int32 => TensorData.Read<int>(proto),
            DataType.Uint32 => TensorData.Read<uint>(proto),
            DataType.Int64 => TensorData.Read<long>(proto),
            DataType.Uint64 => TensorData.Read<ulong>(proto),
            DataType.Bool => TensorData.Read<bool>(proto),
            DataType.String => TensorData.ReadStrings(proto),
            _ => throw new Onnx.Diagnostics.CompressionException(Onnx.Diagnostics.ErrorCodes.TensorElementTypeUnsupported,
                $"tensor '{proto.Name}' has element type {ElementTypes.Name(proto.DataType)}, which the executor does not compute with."),
        };
        return new Tensor(type, shape, data);
    }

    public static TensorProto ToProto(Tensor tensor, string name)
    {
        var dims = tensor.Shape.Select(d => (long)d).ToArray();
        return tensor.ElementType switch
        {
            DataType.Float => TensorData.Create(name, dims, tensor.ReadOnlySpan<float>()),
            DataType.Double => TensorData.Create(name, dims, tensor.ReadOnlySpan<double>()),
            DataType.Float16 => TensorData.Create(name, dims, tensor.ReadOnlySpan<Half>()),
            DataType.Bfloat16 => TensorData.Create(name, dims, tensor.ReadOnlySpan<BFloat16>()),
            DataType.Int8 => TensorData.Create(name, dims, tensor.ReadOnlySpan<sbyte>()),
            DataType.Uint8 => TensorData.Create(name, dims, tensor.ReadOnlySpan<byte>()),
            DataType.Int4 => TensorData.CreateInt4(name, dims, tensor.ReadOnlySpan<sbyte>()),
            DataType.Uint4 => TensorData.CreateUInt4(name, dims, tensor.ReadOnlySpan<byte>()),
            DataType.Int16 => TensorData.Create(name, dims, tensor.ReadOnlySpan<short>()),
            DataType.Uint16 => TensorData.Create(name, dims, tensor.ReadOnlySpan<ushort>()),
            DataType.Int32 => TensorData.Create(name, dims, tensor.ReadOnlySpan<int>()),
            DataType.Uint32 => TensorData.Create(name, dims, tensor.ReadOnlySpan<uint>()),
            DataType.Int64 => TensorData.Create(name, dims, tensor.ReadOnlySpan<long>()),
            DataType.Uint64 => TensorData.Create(name, dims, tensor.ReadOnlySpan<ulong>()),
            DataType.Bool => TensorData.Create(name, dims, tensor.ReadOnlySpan<bool>()),
            DataType.String => TensorData.CreateStrings(name, dims, tensor.ReadOnlySpan<string>().ToArray()),
            _ => throw new NotSupportedException(tensor.ElementType.ToString()),
        };
    }
}

using Compression.Onnx.Diagnostics;
using Compression.Onnx.Protobuf;
using DataType = Compression.Onnx.Protobuf.TensorProto.Types.DataType;

namespace Compression.Onnx.Tensors;

public static partial class TensorData
{
    /// <summary>
    /// The values of any real numeric tensor converted to float: the common currency of calibration, statistics and
    /// fidelity metrics. Exact for every type of 16 bits or less; double, int32/64 and uint32/64 round to nearest.
    /// Strings, complex numbers and unknown types are refused with a coded error.
    /// </summary>
    public static float[] ReadAsFloat(TensorProto tensor, string? file = null)
    {
        var type = (DataType)tensor.DataType;
        switch (type)
        {
            case DataType.Float: return Read<float>(tensor, file);
            case DataType.Double: return Convert(Read<double>(tensor, file), v => (float)v);
            case DataType.Float16: return Convert(Read<Half>(tensor, file), v => (float)v);
            case DataType.Bfloat16: return Convert(Read<BFloat16>(tensor, file), v => v.ToSingle());
            case DataType.Int8: return Convert(Read<sbyte>(tensor, file), v => v);
            case DataType.Uint8: return Convert(Read<byte>(tensor, file), v => v);
            case DataType.Int16: return Convert(Read<short>(tensor, file), v => v);
            case DataType.Uint16: return Convert(Read<ushort>(tensor, file), v => v);
            case DataType.Int32: return Convert(Read<int>(tensor, file), v => v);
            case DataType.Uint32: return Convert(Read<uint>(tensor, file), v => v);
            case DataType.Int64: return Convert(Read<long>(tensor, file), v => v);
            case DataType.Uint64: return Convert(Read<ulong>(tensor, file), v => v);
            case DataType.Bool: return Convert(Read<bool>(tensor, file), v => v ? 1f : 0f);
            case DataType.Int4: return Convert(ReadInt4(tensor, file), v => v);
            case DataType.Uint4: return Convert(ReadUInt4(tensor, file), v => v);
            case DataType.Float4E2M1:
                {
                    var nibbles = Int4Packing.UnpackUnsigned(ReadRawBytes(tensor, file).Span, ArrayLength(tensor, file));
                    return Convert(nibbles, v => MiniFloats.ToSingle(v, type));
                }
            case var _ when MiniFloats.IsMiniFloat(type):
                return Convert(ReadRawBytes(tensor, file).ToArray(), v => MiniFloats.ToSingle(v, type));
            default:
                throw new CompressionException(ErrorCodes.TensorElementTypeUnsupported,
                    $"tensor '{tensor.Name}' holds {ElementTypes.Name(tensor)} values, which have no float value.", file);
        }
    }

    private static float[] Convert<T>(T[] values, Func<T, float> convert)
    {
        var result = new float[values.Length];
        for (var i = 0; i < values.Length; i++)
            result[i] = convert(values[i]);
        return result;
    }
}

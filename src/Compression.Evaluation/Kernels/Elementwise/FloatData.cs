using Compression.Evaluation.Tensors;
using Compression.Onnx.Tensors;
using DataType = Compression.Onnx.Protobuf.TensorProto.Types.DataType;

namespace Compression.Evaluation.Kernels.Elementwise;

/// <summary>
/// Float views of the 16-bit float types, which are computed in float and rounded once on the way back (float16 by
/// .NET's Half conversion, bfloat16 to nearest even), as ONNX Runtime does.
/// </summary>
internal static class FloatData
{
    /// <summary>The elements as floats: the array itself for float tensors, a widened copy (exact) for float16/bfloat16.</summary>
    public static float[] Of(Tensor t)
    {
        switch (t.ElementType)
        {
            case DataType.Float:
                return (float[])t.Data;
            case DataType.Float16:
            {
                var source = t.ReadOnlySpan<Half>();
                var result = new float[source.Length];
                for (var i = 0; i < source.Length; i++) result[i] = (float)source[i];
                return result;
            }
            case DataType.Bfloat16:
            {
                var source = t.ReadOnlySpan<BFloat16>();
                var result = new float[source.Length];
                for (var i = 0; i < source.Length; i++) result[i] = source[i].ToSingle();
                return result;
            }
            default:
                throw new NotSupportedException($"{t.ElementType} is not a float type");
        }
    }

    /// <summary>Rounds float results into a float, float16 or bfloat16 output.</summary>
    public static void Store(ReadOnlySpan<float> values, Tensor output)
    {
        switch (output.ElementType)
        {
            case DataType.Float:
                values[..output.Length].CopyTo(output.Span<float>());
                break;
            case DataType.Float16:
            {
                var target = output.Span<Half>();
                for (var i = 0; i < target.Length; i++) target[i] = (Half)values[i];
                break;
            }
            case DataType.Bfloat16:
            {
                var target = output.Span<BFloat16>();
                for (var i = 0; i < target.Length; i++) target[i] = BFloat16.FromSingle(values[i]);
                break;
            }
            default:
                throw new NotSupportedException($"{output.ElementType} is not a float type");
        }
    }

    public static bool IsFloat16Family(DataType type) => type is DataType.Float16 or DataType.Bfloat16;
}

using Compression.Onnx.Diagnostics;
using Compression.Onnx.Protobuf;

namespace Compression.Onnx.Tensors;

/// <summary>Element counts from dims, with the checks that stop absurd shapes before anything is allocated.</summary>
public static class TensorShape
{
    /// <summary>
    /// The number of elements the dims describe. Negative dims, and products past 2^62 (far beyond any real model and
    /// past what any allocation could hold), are rejected with a coded error instead of overflowing.
    /// </summary>
    public static long ElementCount(IReadOnlyList<long> dims, string tensorName, string? file)
    {
        long count = 1;
        foreach (var d in dims)
        {
            if (d < 0)
                throw new CompressionException(ErrorCodes.TensorDimsInvalid,
                    $"tensor '{tensorName}' has a negative dimension ({d}).", file);
            if (d != 0 && count > (1L << 62) / d)
                throw new CompressionException(ErrorCodes.TensorDimsInvalid,
                    $"tensor '{tensorName}' has dims [{string.Join(", ", dims)}] whose element count overflows.", file);
            count *= d;
        }
        return count;
    }

    public static long ElementCount(TensorProto tensor, string? file = null) =>
        ElementCount(tensor.Dims, tensor.Name, file);

    public static string Format(IEnumerable<long> dims) => "[" + string.Join(", ", dims) + "]";
}

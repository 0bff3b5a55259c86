using Compression.Evaluation.Tensors;
using DataType = Compression.Onnx.Protobuf.TensorProto.Types.DataType;

namespace Compression.Testing.Conformance;

/// <summary>Compares an actual tensor with an expected one as numpy.testing.assert_allclose does; null when they agree.</summary>
public static class TensorComparison
{
    public static string? Compare(Tensor actual, Tensor expected, double rtol, double atol)
    {
        if (actual.ElementType != expected.ElementType)
            return $"element type {actual.ElementType}, expected {expected.ElementType}";
        if (!actual.Shape.SequenceEqual(expected.Shape))
            return $"shape {ShapeMath.Format(actual.Shape)}, expected {ShapeMath.Format(expected.Shape)}";
        if (actual.ElementType == DataType.String)
        {
            var a = actual.ReadOnlySpan<string>();
            var e = expected.ReadOnlySpan<string>();
            for (var i = 0; i < a.Length; i++)
                if (a[i] != e[i]) return $"element {i}: '{a[i]}', expected '{e[i]}'";
            return null;
        }
        var av = AsDoubles(actual);
        var ev = AsDoubles(expected);
        var failures = 0;
        string? first = null;
        for (var i = 0; i < av.Length; i++)
        {
            var x = av[i];
            var y = ev[i];
            if (double.IsNaN(x) && double.IsNaN(y)) continue;
            if (x == y) continue; // equal infinities too
            if (Math.Abs(x - y) <= atol + rtol * Math.Abs(y)) continue;
            failures++;
            first ??= $"element {i}: {x:R}, expected {y:R}";
        }
        return failures == 0 ? null : $"{failures} of {av.Length} elements differ; first {first}";
    }

    /// <summary>Any numeric tensor's elements as doubles (exact for every type but 64-bit integers past 2^53).</summary>
    public static double[] AsDoubles(Tensor t) => t.ElementType switch
    {
        DataType.Float => t.ToArray<float>().Select(v => (double)v).ToArray(),
        DataType.Double => t.ToArray<double>(),
        DataType.Float16 => t.ToArray<Half>().Select(v => (double)v).ToArray(),
        DataType.Bfloat16 => t.ToArray<Onnx.Tensors.BFloat16>().Select(v => (double)v.ToSingle()).ToArray(),
        DataType.Int8 or DataType.Int4 => t.ToArray<sbyte>().Select(v => (double)v).ToArray(),
        DataType.Uint8 or DataType.Uint4 => t.ToArray<byte>().Select(v => (double)v).ToArray(),
        DataType.Int16 => t.ToArray<short>().Select(v => (double)v).ToArray(),
        DataType.Uint16 => t.ToArray<ushort>().Select(v => (double)v).ToArray(),
        DataType.Int32 => t.ToArray<int>().Select(v => (double)v).ToArray(),
        DataType.Uint32 => t.ToArray<uint>().Select(v => (double)v).ToArray(),
        DataType.Int64 => t.ToArray<long>().Select(v => (double)v).ToArray(),
        DataType.Uint64 => t.ToArray<ulong>().Select(v => (double)v).ToArray(),
        DataType.Bool => t.ToArray<bool>().Select(v => v ? 1.0 : 0.0).ToArray(),
        _ => throw new NotSupportedException(t.ElementType.ToString()),
    };
}

using Compression.Onnx.Editing;
using Compression.Onnx.Protobuf;

namespace Compression.Onnx.Summary;

/// <summary>
/// Multiply-accumulates of the operators that dominate cost (Conv, ConvTranspose, Gemm, MatMul), from known shapes.
/// Returns null when a shape it needs is unknown, so the summary can say how many nodes it could count.
/// </summary>
internal static class MacCounter
{
    public static bool Counts(NodeProto node) =>
        node.Domain is "" or "ai.onnx" && node.OpType is "Conv" or "ConvTranspose" or "Gemm" or "MatMul";

    public static long? Of(NodeProto node, KnownShapes shapes)
    {
        long[]? Shape(int input) => input < node.Input.Count && node.Input[input].Length > 0 ? shapes.Of(node.Input[input]) : null;
        return node.OpType switch
        {
            "Conv" => Conv(node, Shape(0), Shape(1), node.Output.Count > 0 ? shapes.Of(node.Output[0]) : null),
            "ConvTranspose" => ConvTranspose(Shape(0), Shape(1)),
            "Gemm" => Gemm(node, Shape(0), Shape(1)),
            "MatMul" => MatMul(Shape(0), Shape(1)),
            _ => null,
        };
    }

    // Every output element of a Conv is a dot product over (C/group) x kernel: the weight's dims after the first.
    private static long? Conv(NodeProto node, long[]? x, long[]? w, long[]? y)
    {
        if (w is null || w.Length < 3) return null;
        var perOutput = Product(w.AsSpan(1));
        if (y is not null && y.Length == w.Length) return Product(y) * perOutput;
        if (x is null || x.Length != w.Length) return null;
        var spatial = w.Length - 2;
        var strides = node.GetInts("strides") ?? Enumerable.Repeat(1L, spatial).ToArray();
        var dilations = node.GetInts("dilations") ?? Enumerable.Repeat(1L, spatial).ToArray();
        var pads = node.GetInts("pads") ?? new long[spatial * 2];
        var autoPad = node.GetString("auto_pad", "NOTSET");
        if (strides.Length != spatial || dilations.Length != spatial || pads.Length != spatial * 2) return null;
        long outputs = x[0] * w[0];
        for (var i = 0; i < spatial; i++)
        {
            var input = x[2 + i];
            var extent = dilations[i] * (w[2 + i] - 1) + 1;
            var size = autoPad switch
            {
                "SAME_UPPER" or "SAME_LOWER" => (input + strides[i] - 1) / strides[i],
                "VALID" => (input - extent) / strides[i] + 1,
                _ => (input + pads[i] + pads[i + spatial] - extent) / strides[i] + 1,
            };
            if (size <= 0) return 0;
            outputs *= size;
        }
        return outputs * perOutput;
    }

    // Each input element of a ConvTranspose is scattered through (M/group) x kernel weights.
    private static long? ConvTranspose(long[]? x, long[]? w) =>
        x is null || w is null || w.Length < 3 ? null : Product(x) * Product(w.AsSpan(1));

    private static long? Gemm(NodeProto node, long[]? a, long[]? b)
    {
        if (a is null || b is null || a.Length != 2 || b.Length != 2) return null;
        var transA = node.GetInt("transA", 0) == 1;
        var transB = node.GetInt("transB", 0) == 1;
        var (m, k) = transA ? (a[1], a[0]) : (a[0], a[1]);
        var n = transB ? b[0] : b[1];
        return m * n * k;
    }

    private static long? MatMul(long[]? a, long[]? b)
    {
        if (a is null || b is null || a.Length == 0 || b.Length == 0) return null;
        var k = a[^1];
        var m = a.Length >= 2 ? a[^2] : 1;
        var n = b.Length >= 2 ? b[^1] : 1;
        var batchA = a.Length > 2 ? a[..^2] : [];
        var batchB = b.Length > 2 ? b[..^2] : [];
        long batch = 1;
        for (var i = 0; i < Math.Max(batchA.Length, batchB.Length); i++)
        {
            var da = i < batchA.Length ? batchA[^(i + 1)] : 1;
            var db = i < batchB.Length ? batchB[^(i + 1)] : 1;
            batch *= Math.Max(da, db);
        }
        return batch * m * n * k;
    }

    private static long Product(ReadOnlySpan<long> dims)
    {
        long p = 1;
        foreach (var d in dims) p *= d;
        return p;
    }
}

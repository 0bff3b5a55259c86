using Compression.Onnx.Graph;
using Compression.Onnx.Protobuf;

namespace Compression.Engine.Preprocessing.ConstantFolding;

/// <summary>Which nodes constant folding must leave in the graph even when every input is constant, and why.</summary>
internal static class FoldingRules
{
    /// <summary>
    /// Quantization nodes stay: a DequantizeLinear over an int8 weight is the form runtimes fuse into int8 kernels
    /// (folding it would store the float weight again and undo the quantization).
    /// </summary>
    public static IReadOnlySet<string> Quantization { get; } =
        new HashSet<string>(StringComparer.Ordinal) { "QuantizeLinear", "DequantizeLinear", "DynamicQuantizeLinear" };

    /// <summary>
    /// Random operators give another value on every run (the seed is optional, and runtimes need not honour it);
    /// Dropout is random when training_mode is set. They read no or only constant inputs, so without this rule they
    /// would look foldable.
    /// </summary>
    public static IReadOnlySet<string> Random { get; } = new HashSet<string>(StringComparer.Ordinal)
    {
        "RandomNormal", "RandomUniform", "RandomNormalLike", "RandomUniformLike", "Multinomial", "Bernoulli", "Dropout",
    };

    /// <summary>Why <paramref name="node"/> is never folded, or null when it may be.</summary>
    public static string? NeverFold(NodeProto node)
    {
        if (ModelIndex.NormalizeDomain(node.Domain).Length != 0) return $"operator of domain '{node.Domain}'";
        if (Quantization.Contains(node.OpType)) return "quantization node (kept for runtimes to fuse)";
        if (Random.Contains(node.OpType)) return "random operator";
        if (node.Attribute.Any(a => a.G is not null || a.Graphs.Count > 0)) return "node with subgraphs";
        return null;
    }
}

using Compression.Onnx.Protobuf;

namespace Compression.Onnx.Graph;

/// <summary>The index of a whole model: its main graph (with every subgraph below it) and the opset of each domain.</summary>
public sealed class ModelIndex
{
    public ModelIndex(ModelProto model)
    {
        Model = model;
        Main = new GraphIndex(model.Graph);
        var opsets = new SortedDictionary<string, long>(StringComparer.Ordinal);
        foreach (var op in model.OpsetImport)
            opsets[NormalizeDomain(op.Domain)] = op.Version;
        Opsets = opsets;
    }

    public ModelProto Model { get; }

    public GraphIndex Main { get; }

    /// <summary>Opset version per domain; the default domain is the empty string (ai.onnx).</summary>
    public IReadOnlyDictionary<string, long> Opsets { get; }

    /// <summary>The main graph and every subgraph, depth first.</summary>
    public IEnumerable<GraphIndex> AllGraphs => Main.SelfAndDescendants();

    /// <summary>The opset version a node is interpreted at, or null when the model imports no opset for its domain.</summary>
    public long? OpsetOf(NodeProto node) =>
        Opsets.TryGetValue(NormalizeDomain(node.Domain), out var v) ? v : null;

    public static string NormalizeDomain(string domain) => domain == "ai.onnx" ? "" : domain;
}

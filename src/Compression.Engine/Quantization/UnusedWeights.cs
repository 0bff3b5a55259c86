using Compression.Engine.Graphs;
using Compression.Onnx.Protobuf;

namespace Compression.Engine.Quantization;

/// <summary>
/// Drops a quantized weight's float original once nothing reads it: a file that kept both would be larger than the
/// original. A weight another node (or a subgraph, or a graph output) still reads stays.
/// </summary>
internal static class UnusedWeights
{
    public static void RemoveIfUnused(ConstantWeight weight)
    {
        var graph = weight.DefiningGraph.Graph;
        if (IsRead(graph, weight.Name)) return;
        if (weight.ConstantNode is { } constant) graph.Node.Remove(constant);
        else graph.Initializer.Remove(weight.Tensor);
        var input = graph.Input.FirstOrDefault(i => i.Name == weight.Name);
        if (input is not null) graph.Input.Remove(input);
    }

    private static bool IsRead(GraphProto graph, string name) =>
        graph.Output.Any(o => o.Name == name) || graph.Node.Any(n =>
            n.Input.Contains(name) || n.Attribute.Any(a => (a.G is not null && IsRead(a.G, name)) || a.Graphs.Any(g => IsRead(g, name))));
}

using Compression.Onnx.Graph;
using Compression.Onnx.Protobuf;

namespace Compression.Engine.Graphs;

/// <summary>A constant tensor a node reads: an initializer or a Constant node's value, in the node's graph or one around it.</summary>
internal sealed record ConstantWeight(string Name, TensorProto Tensor, GraphIndex DefiningGraph, NodeProto? ConstantNode);

/// <summary>
/// Finds the constant behind a value name, looking through the graph's scopes outward as ONNX scoping does. Weights
/// exported as Constant nodes (older PaddlePaddle and PyTorch exports) are weights like initializers.
/// </summary>
internal static class ConstantWeights
{
    public static ConstantWeight? Find(GraphIndex graph, string name)
    {
        for (var g = graph; g is not null; g = g.Parent)
        {
            if (g.Initializers.TryGetValue(name, out var init)) return new ConstantWeight(name, init, g, null);
            if (g.ProducerOf(name) is { } producer)
            {
                if (producer.OpType == "Constant" && producer.Domain is "" or "ai.onnx"
                    && producer.Attribute.FirstOrDefault(a => a.Name == "value")?.T is { } value)
                    return new ConstantWeight(name, value, g, producer);
                return null; // computed by a node: not a constant
            }
            if (g.Graph.Input.Any(i => i.Name == name)) return null; // a graph input shadows outer names
        }
        return null;
    }
}

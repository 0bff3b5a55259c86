using Compression.Onnx.Graph;
using Compression.Onnx.Protobuf;

namespace Compression.Onnx.Editing;

/// <summary>A constant tensor a node reads: an initializer or a Constant node's value, in the node's graph or one around it.</summary>
public sealed record ConstantWeight(string Name, TensorProto Tensor, IGraphView DefiningGraph, NodeProto? ConstantNode);

/// <summary>
/// Finds the constant behind a value name, looking through the graph's scopes outward as ONNX scoping does. Weights
/// exported as Constant nodes (older PaddlePaddle and PyTorch exports) are weights like initializers.
/// </summary>
public static class ConstantWeights
{
    public static ConstantWeight? Find(IGraphView graph, string name)
    {
        for (var g = graph; g is not null; g = g.Outer)
        {
            // An initializer that is also a graph input is only a default: callers may feed another value, so it is
            // not a constant any pass may change or rely on.
            if (g.InitializerOf(name) is { } init) return g.IsGraphInput(name) ? null : new ConstantWeight(name, init, g, null);
            if (g.ProducerOf(name) is { } producer)
            {
                if (producer.OpType == "Constant" && producer.Domain is "" or "ai.onnx" && producer.GetTensor("value") is { } value)
                    return new ConstantWeight(name, value, g, producer);
                return null; // computed by a node: not a constant
            }
            if (g.IsGraphInput(name)) return null; // a graph input shadows outer names
        }
        return null;
    }
}

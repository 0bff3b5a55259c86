using Compression.Onnx.Editing;
using Compression.Onnx.Graph;
using Compression.Onnx.Protobuf;

namespace Compression.Engine.Preprocessing.BatchNormFolding;

/// <summary>Which constants a fold may rely on, and which it may rewrite in place.</summary>
internal static class FixedWeights
{
    /// <summary>
    /// From IR 4 on (<paramref name="freeInitializers"/>), an initializer listed as a graph input is a default that
    /// callers may replace: folding it would bake in one value. Before IR 4 every initializer is listed as an input and
    /// is a weight all the same.
    /// </summary>
    public static bool IsOverridable(ConstantWeight weight, bool freeInitializers) =>
        freeInitializers && weight.ConstantNode is null && weight.DefiningGraph.Graph.Input.Any(i => i.Name == weight.Name);

    /// <summary>
    /// Whether the producer is the only reader of the weight, so its values can change in place: no other node,
    /// graph output or subgraph sees them, and the producer reads it in one slot only.
    /// </summary>
    public static bool IsExclusive(IGraphView graph, ConstantWeight weight, NodeProto producer) =>
        ReferenceEquals(weight.DefiningGraph, graph)
        && graph.ConsumersOf(weight.Name) is [var only] && ReferenceEquals(only, producer)
        && producer.Input.Count(n => n == weight.Name) == 1
        && graph.Graph.Output.All(o => o.Name != weight.Name);
}

using Compression.Onnx.Protobuf;

namespace Compression.Onnx.Graph;

/// <summary>
/// What analyses read of one graph: what it defines, who produces and who reads a value, and the graph around it
/// (where outer names resolve). Both the snapshot <see cref="GraphIndex"/> and the current
/// <see cref="Editing.GraphEditor"/> are views, so a lookup such as <see cref="Editing.ConstantWeights"/> or a pass's
/// pattern check serves analyses and rewrites alike.
/// </summary>
public interface IGraphView
{
    GraphProto Graph { get; }

    /// <summary>The graph around this one, or null for the main graph.</summary>
    IGraphView? Outer { get; }

    TensorProto? InitializerOf(string name);

    NodeProto? ProducerOf(string value);

    /// <summary>Nodes of this graph that read the value, directly or from inside one of their subgraphs.</summary>
    IReadOnlyList<NodeProto> ConsumersOf(string value);

    bool IsGraphInput(string name);
}

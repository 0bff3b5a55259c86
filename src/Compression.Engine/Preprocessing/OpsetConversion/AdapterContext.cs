using Compression.Evaluation.Inference;
using Compression.Onnx.Diagnostics;
using Compression.Onnx.Editing;
using Compression.Onnx.Protobuf;
using Compression.Onnx.Tensors;
using DataType = Compression.Onnx.Protobuf.TensorProto.Types.DataType;

namespace Compression.Engine.Preprocessing.OpsetConversion;

/// <summary>
/// What an adapter may use while it rewrites one node: its graph's editor (every change to the node's inputs and
/// outputs goes through it), fresh names, and inferred value types.
/// </summary>
internal sealed class AdapterContext(GraphEditor graph, IReadOnlyDictionary<string, ValueInfo> values, string? file)
{
    public GraphEditor Graph { get; } = graph;

    public UniqueNames Names => Graph.Model.Names;

    /// <summary>The element type of a value, or a refusal naming the node when inference could not type it.</summary>
    public DataType ElementType(NodeProto node, string value) =>
        values.TryGetValue(value, out var info) && info.ElementType != DataType.Undefined ? info.ElementType
        : throw Fail(node, $"the element type of '{value}' is unknown");

    /// <summary>The rank of a value when inference knows it.</summary>
    public int? Rank(string value) => values.TryGetValue(value, out var info) ? info.Rank : null;

    /// <summary>Adds an initializer to the node's graph and returns its name.</summary>
    public string Constant(NodeProto node, string role, TensorProto tensor)
    {
        tensor.Name = Names.Next($"{(node.Name.Length > 0 ? node.Name : node.OpType)}_{role}");
        Graph.AddInitializer(tensor);
        return tensor.Name;
    }

    public string Int64s(NodeProto node, string role, IReadOnlyList<long> values, bool scalar = false) =>
        Constant(node, role, TensorData.Create("", scalar ? [] : [values.Count], (ReadOnlySpan<long>)values.ToArray()));

    /// <summary>A scalar of the given element type holding <paramref name="value"/> (Clip bounds, Pad's constant).</summary>
    public string Scalar(NodeProto node, string role, DataType type, double value) => Constant(node, role, type switch
    {
        DataType.Float => TensorData.Create("", [], (ReadOnlySpan<float>)[(float)value]),
        DataType.Double => TensorData.Create("", [], (ReadOnlySpan<double>)[value]),
        DataType.Float16 => TensorData.Create("", [], (ReadOnlySpan<Half>)[(Half)value]),
        DataType.Int8 => TensorData.Create("", [], (ReadOnlySpan<sbyte>)[checked((sbyte)value)]),
        DataType.Uint8 => TensorData.Create("", [], (ReadOnlySpan<byte>)[checked((byte)value)]),
        DataType.Int32 => TensorData.Create("", [], (ReadOnlySpan<int>)[checked((int)value)]),
        DataType.Int64 => TensorData.Create("", [], (ReadOnlySpan<long>)[checked((long)value)]),
        _ => throw Fail(node, $"a {type} constant is not supported by the converter"),
    });

    /// <summary>Inserts <paramref name="added"/> just before <paramref name="node"/>, keeping the graph in topological order.</summary>
    public void InsertBefore(NodeProto node, NodeProto added) => Graph.InsertBefore(node, added);

    public void InsertAfter(NodeProto node, NodeProto added) => Graph.InsertAfter(node, added);

    /// <summary>Whether a value is read by a node of this graph or any subgraph below it, or is one of its outputs.</summary>
    public bool IsRead(string value) => Graph.IsUsed(value);

    public CompressionException Fail(NodeProto node, string why) =>
        new(EngineErrorCodes.OpsetConversionUnsupported,
            $"cannot convert {node.OpType} node '{node.Name}': {why}", file);
}

using Compression.Onnx.Protobuf;
using AttributeType = Compression.Onnx.Protobuf.AttributeProto.Types.AttributeType;

namespace Compression.Onnx.Editing;

/// <summary>
/// Writes one node: operator, name, inputs, outputs and typed attributes in the order given. Every attribute gets its
/// type field, which ONNX requires from IR 2 and checkers test; a field is written only when a builder call sets it,
/// so a node built here serializes exactly as one written field by field.
/// </summary>
public sealed class NodeBuilder
{
    private readonly NodeProto _node;

    private NodeBuilder(string opType, string name) => _node = new NodeProto { OpType = opType, Name = name };

    public static NodeBuilder Op(string opType, string name) => new(opType, name);

    public NodeBuilder Domain(string domain)
    {
        _node.Domain = domain;
        return this;
    }

    public NodeBuilder Inputs(params IEnumerable<string> inputs)
    {
        _node.Input.Add(inputs);
        return this;
    }

    public NodeBuilder Outputs(params IEnumerable<string> outputs)
    {
        _node.Output.Add(outputs);
        return this;
    }

    public NodeBuilder IntAttribute(string name, long value) => Attribute(new AttributeProto { Name = name, Type = AttributeType.Int, I = value });

    public NodeBuilder FloatAttribute(string name, float value) => Attribute(new AttributeProto { Name = name, Type = AttributeType.Float, F = value });

    public NodeBuilder IntsAttribute(string name, IEnumerable<long> values) => Attribute(new AttributeProto { Name = name, Type = AttributeType.Ints, Ints = { values } });

    public NodeBuilder TensorAttribute(string name, TensorProto value) => Attribute(new AttributeProto { Name = name, Type = AttributeType.Tensor, T = value });

    /// <summary>Copies of another node's attributes (all, or those <paramref name="keep"/> accepts), in its order.</summary>
    public NodeBuilder AttributesOf(NodeProto node, Func<AttributeProto, bool>? keep = null)
    {
        foreach (var attribute in node.Attribute)
            if (keep is null || keep(attribute)) _node.Attribute.Add(attribute.Clone());
        return this;
    }

    public NodeProto Build() => _node;

    private NodeBuilder Attribute(AttributeProto attribute)
    {
        _node.Attribute.Add(attribute);
        return this;
    }
}

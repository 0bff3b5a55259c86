using Compression.Onnx.Protobuf;
using AttributeType = Compression.Onnx.Protobuf.AttributeProto.Types.AttributeType;

namespace Compression.Evaluation.Execution;

/// <summary>Typed, defaulted access to a node's attributes; a present attribute of the wrong type is an error.</summary>
public sealed class NodeAttributes
{
    private readonly NodeProto _node;

    public NodeAttributes(NodeProto node) => _node = node;

    public bool Has(string name) => Find(name) is not null;

    public long GetInt(string name, long defaultValue) => Find(name, AttributeType.Int)?.I ?? defaultValue;

    public long GetInt(string name) => Find(name, AttributeType.Int)?.I ?? throw Missing(name);

    public float GetFloat(string name, float defaultValue) => Find(name, AttributeType.Float)?.F ?? defaultValue;

    public string GetString(string name, string defaultValue) => Find(name, AttributeType.String)?.S.ToStringUtf8() ?? defaultValue;

    public long[]? GetInts(string name) => Find(name, AttributeType.Ints)?.Ints.ToArray();

    public float[]? GetFloats(string name) => Find(name, AttributeType.Floats)?.Floats.ToArray();

    public string[]? GetStrings(string name) => Find(name, AttributeType.Strings)?.Strings.Select(s => s.ToStringUtf8()).ToArray();

    public TensorProto? GetTensor(string name) => Find(name, AttributeType.Tensor)?.T;

    public GraphProto GetGraph(string name) => Find(name, AttributeType.Graph)?.G ?? throw Missing(name);

    public AttributeProto? Find(string name) => _node.Attribute.FirstOrDefault(a => a.Name == name);

    private AttributeProto? Find(string name, AttributeType type)
    {
        var attr = Find(name);
        if (attr is null) return null;
        // Old exporters (IR < 2) leave the type unset; trust the value field then.
        if (attr.HasType && attr.Type != type)
            throw new KernelException(_node, $"attribute '{name}' is {attr.Type}, expected {type}");
        return attr;
    }

    private KernelException Missing(string name) => new(_node, $"required attribute '{name}' is missing");
}

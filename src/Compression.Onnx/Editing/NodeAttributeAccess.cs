using Compression.Onnx.Diagnostics;
using Compression.Onnx.Protobuf;
using AttributeType = Compression.Onnx.Protobuf.AttributeProto.Types.AttributeType;

namespace Compression.Onnx.Editing;

/// <summary>
/// Typed, defaulted reads and in-place writes of a node's attributes. A present attribute of another type is an error
/// (MCB1301), not a silent default: a pass that read an INT as a FLOAT would rewrite the model on a wrong value.
/// Writes change an existing attribute where it stands and append a new one last, so the attribute order a saved model
/// has (and so its bytes) does not depend on how a pass set a value.
/// </summary>
public static class NodeAttributeAccess
{
    public static AttributeProto? FindAttribute(this NodeProto node, string name)
    {
        foreach (var attribute in node.Attribute)
            if (attribute.Name == name) return attribute;
        return null;
    }

    public static bool HasAttribute(this NodeProto node, string name) => node.FindAttribute(name) is not null;

    public static long GetInt(this NodeProto node, string name, long defaultValue) => Typed(node, name, AttributeType.Int)?.I ?? defaultValue;

    public static float GetFloat(this NodeProto node, string name, float defaultValue) => Typed(node, name, AttributeType.Float)?.F ?? defaultValue;

    public static string GetString(this NodeProto node, string name, string defaultValue) =>
        Typed(node, name, AttributeType.String)?.S.ToStringUtf8() ?? defaultValue;

    public static long[]? GetInts(this NodeProto node, string name) => Typed(node, name, AttributeType.Ints)?.Ints.ToArray();

    public static float[]? GetFloats(this NodeProto node, string name) => Typed(node, name, AttributeType.Floats)?.Floats.ToArray();

    public static TensorProto? GetTensor(this NodeProto node, string name) => Typed(node, name, AttributeType.Tensor)?.T;

    public static void SetInt(this NodeProto node, string name, long value) => Writable(node, name, AttributeType.Int).I = value;

    public static void SetFloat(this NodeProto node, string name, float value) => Writable(node, name, AttributeType.Float).F = value;

    public static void SetTensor(this NodeProto node, string name, TensorProto value) => Writable(node, name, AttributeType.Tensor).T = value;

    /// <summary>Removes every attribute of that name; returns whether there was one.</summary>
    public static bool RemoveAttribute(this NodeProto node, string name) => node.TakeAttribute(name) is not null;

    /// <summary>Removes the attribute and hands it back (an attribute that becomes an input), or null when absent.</summary>
    public static AttributeProto? TakeAttribute(this NodeProto node, string name)
    {
        AttributeProto? first = null;
        for (var i = node.Attribute.Count - 1; i >= 0; i--)
        {
            if (node.Attribute[i].Name != name) continue;
            first = node.Attribute[i];
            node.Attribute.RemoveAt(i);
        }
        return first;
    }

    private static AttributeProto? Typed(NodeProto node, string name, AttributeType type)
    {
        var attribute = node.FindAttribute(name);
        if (attribute is null) return null;
        // Old exporters (IR < 2) leave the type unset; the value field is trusted then.
        if (attribute.HasType && attribute.Type != type)
            throw new CompressionException(ErrorCodes.ModelCheckFailed,
                $"{node.OpType} node '{node.Name}': attribute '{name}' is {attribute.Type}, expected {type}.");
        return attribute;
    }

    private static AttributeProto Writable(NodeProto node, string name, AttributeType type)
    {
        if (Typed(node, name, type) is { } existing) return existing;
        var added = new AttributeProto { Name = name, Type = type };
        node.Attribute.Add(added);
        return added;
    }
}

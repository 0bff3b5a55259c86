using Compression.Evaluation.Tensors;
using Compression.Onnx.Diagnostics;
using Compression.Onnx.Editing;
using Compression.Onnx.Graph;
using Compression.Onnx.Protobuf;

namespace Compression.Engine.Preprocessing.ConstantFolding;

/// <summary>
/// The constant values of one graph as folding learns them: its initializers, Constant-node values and folded outputs.
/// Stored tensors become the executor's tensors only when a node to fold reads them, so the weights of a model are not
/// copied for nothing.
/// </summary>
internal sealed class ConstantTable
{
    private readonly Dictionary<string, TensorProto> _stored = new(StringComparer.Ordinal);
    private readonly Dictionary<string, Tensor?> _values = new(StringComparer.Ordinal);

    public ConstantTable(ModelProto model, GraphIndex graph)
    {
        // From IR 4 on, an initializer that is also a graph input is only a default: callers may feed another value, so
        // it is not a constant. Before IR 4 every initializer is listed as an input and is a weight all the same.
        var overridable = ConstantStorage.UsesInitializers(model)
            ? graph.Graph.Input.Select(i => i.Name).ToHashSet(StringComparer.Ordinal)
            : [];
        foreach (var init in graph.Graph.Initializer)
            if (!overridable.Contains(init.Name)) _stored.TryAdd(init.Name, init);
    }

    public bool Contains(string name) => _stored.ContainsKey(name) || _values.ContainsKey(name);

    /// <summary>A constant known as stored bytes (a Constant node's value): kept exactly, converted when read.</summary>
    public void AddStored(string name, TensorProto tensor) => _stored[name] = tensor;

    public void Add(string name, Tensor value) => _values[name] = value;

    /// <summary>The stored form of a constant, when it has one.</summary>
    public TensorProto? Stored(string name) => _stored.GetValueOrDefault(name);

    /// <summary>The value of a constant, or null when it is not one or its element type is one the executor lacks.</summary>
    public Tensor? Value(string name)
    {
        if (_values.TryGetValue(name, out var known)) return known;
        if (!_stored.TryGetValue(name, out var stored)) return null;
        Tensor? value;
        try
        {
            value = TensorConversion.FromProto(stored);
        }
        catch (CompressionException)
        {
            // float8, complex and the like: a constant that no kernel reads, so nothing folds through it.
            value = null;
        }
        _values[name] = value;
        return value;
    }
}

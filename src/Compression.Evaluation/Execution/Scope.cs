using Compression.Evaluation.Tensors;

namespace Compression.Evaluation.Execution;

/// <summary>The values alive in one graph during a run; lookups fall through to the graphs around it, as ONNX scoping says.</summary>
internal sealed class Scope
{
    private readonly Dictionary<string, Tensor> _values = new(StringComparer.Ordinal);

    public Scope(Scope? parent) => Parent = parent;

    public Scope? Parent { get; }

    public Tensor? Find(string name)
    {
        for (var s = this; s is not null; s = s.Parent)
            if (s._values.TryGetValue(name, out var t)) return t;
        return null;
    }

    public void Set(string name, Tensor value) => _values[name] = value;

    public bool Remove(string name, out Tensor? value) => _values.Remove(name, out value);
}

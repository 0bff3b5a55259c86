using Compression.Evaluation.Tensors;

namespace Compression.Evaluation.Execution;

/// <summary>
/// The values alive in one graph during a run, held by slot (<see cref="GraphPlan.Slots"/>); lookups by name fall
/// through to the graphs around it, as ONNX scoping says.
/// </summary>
internal sealed class Scope
{
    private readonly IReadOnlyDictionary<string, int> _slots;

    public Scope(Scope? parent, IReadOnlyDictionary<string, int> slots, Tensor?[] values)
    {
        Parent = parent;
        _slots = slots;
        Values = values;
    }

    /// <summary>An empty scope (folding constants, kernel tests).</summary>
    public Scope(Scope? parent) : this(parent, new Dictionary<string, int>(), []) { }

    public Scope? Parent { get; }

    /// <summary>This graph's values by slot; null where not computed yet, released, or living in an outer graph.</summary>
    public Tensor?[] Values { get; }

    public Tensor? Find(string name)
    {
        for (var s = this; s is not null; s = s.Parent)
            if (s._slots.TryGetValue(name, out var slot) && s.Values[slot] is { } t) return t;
        return null;
    }

    /// <summary>The value in <paramref name="slot"/>, else the one an outer graph gives <paramref name="name"/>.</summary>
    public Tensor? Find(int slot, string name) => Values[slot] ?? Parent?.Find(name);
}

namespace Compression.Engine.Pruning.Structured;

/// <summary>
/// Every channel of every tracked activation is a slot; slots that must be removed together (the same channel seen
/// through a Relu, a residual Add, a Concat offset, a depthwise filter) are united, and a class of united slots is
/// removed whole or not at all. Union-find keeps the smaller slot as the root, so classes and their order depend only
/// on the graph's topological order, never on hashing.
/// </summary>
internal sealed class ChannelSlots
{
    private readonly Dictionary<string, (int Offset, int Count)> _values = new(StringComparer.Ordinal);
    private readonly List<int> _parent = [];
    private readonly HashSet<int> _pinnedRoots = [];
    private readonly Dictionary<int, string> _pinReasons = [];

    /// <summary>Tracked values in the order they were first seen.</summary>
    public List<string> Values { get; } = [];

    public int Count => _parent.Count;

    public void Track(string value, int channels)
    {
        if (_values.ContainsKey(value) || channels <= 0) return;
        _values[value] = (_parent.Count, channels);
        for (var c = 0; c < channels; c++) _parent.Add(_parent.Count);
        Values.Add(value);
    }

    public bool IsTracked(string value) => _values.ContainsKey(value);

    public int ChannelsOf(string value) => _values[value].Count;

    public int Slot(string value, int channel) => _values[value].Offset + channel;

    public int Find(int slot)
    {
        var root = slot;
        while (_parent[root] != root) root = _parent[root];
        while (_parent[slot] != root) (slot, _parent[slot]) = (_parent[slot], root);
        return root;
    }

    public void Unite(int a, int b)
    {
        var (ra, rb) = (Find(a), Find(b));
        if (ra == rb) return;
        var (keep, drop) = ra < rb ? (ra, rb) : (rb, ra);
        _parent[drop] = keep;
        if (_pinnedRoots.Remove(drop))
        {
            _pinnedRoots.Add(keep);
            if (!_pinReasons.ContainsKey(keep)) _pinReasons[keep] = _pinReasons[drop];
        }
    }

    /// <summary>Unites channel c of <paramref name="a"/> with channel c of <paramref name="b"/> for every c (same count).</summary>
    public void UniteAll(string a, string b)
    {
        var n = ChannelsOf(a);
        for (var c = 0; c < n; c++) Unite(Slot(a, c), Slot(b, c));
    }

    /// <summary>Keeps every channel of <paramref name="value"/> (if tracked), with the reason reported for its classes.</summary>
    public void Pin(string value, string reason)
    {
        if (!_values.TryGetValue(value, out var range)) return;
        for (var c = 0; c < range.Count; c++) PinSlot(range.Offset + c, reason);
    }

    public void PinSlot(int slot, string reason)
    {
        var root = Find(slot);
        _pinnedRoots.Add(root);
        _pinReasons.TryAdd(root, reason);
    }

    public bool IsPinned(int slot) => _pinnedRoots.Contains(Find(slot));

    public string? PinReason(int slot) => _pinReasons.GetValueOrDefault(Find(slot));

    /// <summary>The class roots of a value's channels, in channel order.</summary>
    public int[] Roots(string value)
    {
        var (offset, count) = _values[value];
        var roots = new int[count];
        for (var c = 0; c < count; c++) roots[c] = Find(offset + c);
        return roots;
    }
}

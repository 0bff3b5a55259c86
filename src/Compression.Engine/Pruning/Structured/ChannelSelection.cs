using Compression.Engine.Recipes;

namespace Compression.Engine.Pruning.Structured;

/// <summary>
/// Picks the classes to remove. A cluster is every class connected through shared tensors (a Conv → Relu → Conv
/// chain, a residual stage, a Concat and its inputs). Layer scope removes ⌊F·n⌋ of the n prunable classes of each
/// cluster, least important first; global scope divides each class's importance by its cluster's mean (importances of
/// different layers are not on one scale) and removes ⌊F·N⌋ of all N prunable classes, so clusters that matter less
/// lose more. Either way no tensor loses all its channels. Ties break on the class's first slot: deterministic.
/// </summary>
internal static class ChannelSelection
{
    public static HashSet<int> Select(ChannelGraph graph, IReadOnlyDictionary<int, double> importance, double fraction, PruningScope scope)
    {
        var slots = graph.Slots;
        var clusters = Clusters(slots);
        var prunable = clusters.ToDictionary(c => c.Key, c => c.Value.Where(r => !slots.IsPinned(r)).ToList());
        double Worth(int root) => importance.GetValueOrDefault(root);
        var removed = new HashSet<int>();
        if (scope == PruningScope.Layer)
        {
            foreach (var roots in prunable.Values)
            {
                var count = (int)Math.Floor(fraction * roots.Count);
                foreach (var root in roots.OrderBy(Worth).ThenBy(r => r).Take(count)) removed.Add(root);
            }
        }
        else
        {
            var normalized = new List<(int Root, double Worth)>();
            foreach (var roots in prunable.Values.Where(r => r.Count > 0))
            {
                var mean = roots.Average(Worth);
                normalized.AddRange(roots.Select(r => (r, mean > 0 ? Worth(r) / mean : 0)));
            }
            var count = (int)Math.Floor(fraction * normalized.Count);
            foreach (var (root, _) in normalized.OrderBy(p => p.Worth).ThenBy(p => p.Root).Take(count)) removed.Add(root);
        }
        foreach (var value in slots.Values)
        {
            var roots = slots.Roots(value);
            if (roots.All(removed.Contains)) removed.Remove(roots.Distinct().OrderByDescending(Worth).ThenBy(r => r).First());
        }
        return removed;
    }

    /// <summary>Cluster (its smallest root) → its class roots, ascending.</summary>
    private static SortedDictionary<int, SortedSet<int>> Clusters(ChannelSlots slots)
    {
        var parent = new Dictionary<int, int>();
        int Find(int r)
        {
            while (parent.TryGetValue(r, out var p) && p != r) r = p;
            return r;
        }
        foreach (var value in slots.Values)
        {
            var roots = slots.Roots(value);
            foreach (var r in roots) parent.TryAdd(r, r);
            foreach (var r in roots)
            {
                var (a, b) = (Find(roots[0]), Find(r));
                if (a != b) parent[Math.Max(a, b)] = Math.Min(a, b);
            }
        }
        var clusters = new SortedDictionary<int, SortedSet<int>>();
        foreach (var root in parent.Keys)
        {
            var cluster = Find(root);
            if (!clusters.TryGetValue(cluster, out var set)) clusters[cluster] = set = [];
            set.Add(root);
        }
        return clusters;
    }
}

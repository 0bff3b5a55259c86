using System.Text.Json;

namespace Compression.Engine.Profiles;

/// <summary>
/// The SDK's runtime identifier graph (<c>$(RuntimeIdentifierGraphPath)</c>, a JSON file of <c>runtimes → rid →
/// #import</c>): the RIDs a RID falls back to, nearest first — breadth first through the #import lists in their
/// order, each RID once, as NuGet expands the graph.
/// </summary>
internal sealed class RidGraph
{
    private readonly Dictionary<string, string[]> _imports;

    private RidGraph(Dictionary<string, string[]> imports) => _imports = imports;

    public static RidGraph Empty { get; } = new(new Dictionary<string, string[]>(StringComparer.OrdinalIgnoreCase));

    /// <summary>Reads the graph; a missing or unreadable file is an empty graph (RIDs then match only by name).</summary>
    public static RidGraph Load(string? path)
    {
        if (string.IsNullOrEmpty(path) || !File.Exists(path)) return Empty;
        try
        {
            using var doc = JsonDocument.Parse(File.ReadAllBytes(path));
            var imports = new Dictionary<string, string[]>(StringComparer.OrdinalIgnoreCase);
            if (doc.RootElement.TryGetProperty("runtimes", out var runtimes))
                foreach (var rid in runtimes.EnumerateObject())
                    imports[rid.Name] = rid.Value.TryGetProperty("#import", out var list)
                        ? list.EnumerateArray().Select(e => e.GetString() ?? "").Where(s => s.Length > 0).ToArray()
                        : [];
            return new RidGraph(imports);
        }
        catch (JsonException)
        {
            return Empty;
        }
    }

    public static RidGraph FromImports(IReadOnlyDictionary<string, string[]> imports) =>
        new(new Dictionary<string, string[]>(imports, StringComparer.OrdinalIgnoreCase));

    /// <summary>The RIDs <paramref name="rid"/> falls back to, nearest first, without <paramref name="rid"/> itself.</summary>
    public IReadOnlyList<string> FallbacksOf(string rid)
    {
        var order = new List<string>();
        var seen = new HashSet<string>(StringComparer.OrdinalIgnoreCase) { rid };
        var queue = new Queue<string>([rid]);
        // Breadth first: a RID's direct imports are nearer than their imports.
        while (queue.Count > 0)
        {
            var current = queue.Dequeue();
            if (!_imports.TryGetValue(current, out var next)) continue;
            foreach (var parent in next)
                if (seen.Add(parent)) { order.Add(parent); queue.Enqueue(parent); }
        }
        return order;
    }
}

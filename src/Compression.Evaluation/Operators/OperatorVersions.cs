using System.Reflection;

namespace Compression.Evaluation.Operators;

/// <summary>
/// The versions at which each default-domain operator changed (OperatorVersions.txt, facts of the ONNX specification).
/// A node at opset v runs version max{since &lt;= v}; resolving to that exact version is what stops a kernel written for
/// one behaviour from silently running a later, different one.
/// </summary>
public sealed class OperatorVersions
{
    private readonly Dictionary<string, int[]> _versions;

    private OperatorVersions(Dictionary<string, int[]> versions, int maxOpset)
    {
        _versions = versions;
        MaxOpset = maxOpset;
    }

    public static OperatorVersions Default { get; } = Load();

    /// <summary>The newest opset the table is complete for.</summary>
    public int MaxOpset { get; }

    /// <summary>The version of <paramref name="op"/> in force at <paramref name="opset"/>, or null when the operator did not exist yet, is unknown, or the opset is past the table.</summary>
    public int? Resolve(string op, long opset)
    {
        if (opset > MaxOpset || !_versions.TryGetValue(op, out var since)) return null;
        int? found = null;
        foreach (var v in since)
            if (v <= opset) found = v;
        return found;
    }

    /// <summary>The versions at which <paramref name="op"/> changed, ascending; empty for an unknown operator.</summary>
    public IReadOnlyList<int> SinceVersions(string op) => _versions.TryGetValue(op, out var since) ? since : [];

    private static OperatorVersions Load()
    {
        using var stream = Assembly.GetExecutingAssembly().GetManifestResourceStream("Compression.Evaluation.OperatorVersions.txt")
            ?? throw new InvalidOperationException("OperatorVersions.txt is not embedded");
        using var reader = new StreamReader(stream);
        var versions = new Dictionary<string, int[]>(StringComparer.Ordinal);
        var maxOpset = 0;
        while (reader.ReadLine() is { } line)
        {
            if (line.Length == 0 || line[0] == '#') continue;
            var parts = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (parts[0] == "max-opset") maxOpset = int.Parse(parts[1], System.Globalization.CultureInfo.InvariantCulture);
            else versions[parts[0]] = parts[1..].Select(p => int.Parse(p, System.Globalization.CultureInfo.InvariantCulture)).Order().ToArray();
        }
        return new OperatorVersions(versions, maxOpset);
    }
}

using System.Globalization;
using Compression.Onnx.Diagnostics;

namespace Compression.Engine.Reporting;

/// <summary>
/// Reads input shapes for cost figures: <c>NAME=d0,d1,...</c> entries (one per <c>--input-shape</c>, or
/// <c>;</c>-separated in the <c>InputShapes</c> item metadata). A malformed entry is the caller's coded error.
/// </summary>
internal static class InputShapeText
{
    public static IReadOnlyDictionary<string, int[]> Parse(IEnumerable<string> entries, string code, string what)
    {
        var result = new Dictionary<string, int[]>(StringComparer.Ordinal);
        foreach (var entry in entries.Select(e => e.Trim()).Where(e => e.Length > 0))
        {
            var at = entry.LastIndexOf('=');
            var dims = at > 0 ? entry[(at + 1)..].Split(',') : [];
            var parsed = dims.Select(d => int.TryParse(d.Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n > 0 ? n : -1).ToArray();
            if (at <= 0 || parsed.Length == 0 || parsed.Any(d => d < 0))
                throw new CompressionException(code, $"{what} '{entry}' is not NAME=d0,d1,... with positive whole dimensions.");
            result[entry[..at].Trim()] = parsed;
        }
        return result;
    }

    /// <summary>The metadata form: entries separated by <c>;</c>.</summary>
    public static IReadOnlyDictionary<string, int[]> ParseMetadata(string? value) =>
        Parse((value ?? "").Split(';'), EngineErrorCodes.InvalidOptionValue, "InputShapes entry");

    /// <summary>The canonical text (ordinal by name) for the cache key: the cost figures a cached result holds depend on it.</summary>
    public static string Canonical(IReadOnlyDictionary<string, int[]> shapes) =>
        string.Join(";", shapes.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => $"{p.Key}={string.Join(",", p.Value)}"));
}

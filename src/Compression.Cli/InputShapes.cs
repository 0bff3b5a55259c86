using System.Globalization;
using Compression.Onnx.Diagnostics;

namespace Compression.Cli;

/// <summary>Parses <c>--input-shape NAME=d0,d1,...</c> values.</summary>
internal static class InputShapes
{
    public static IReadOnlyDictionary<string, int[]> Parse(IEnumerable<string> values)
    {
        var result = new Dictionary<string, int[]>(StringComparer.Ordinal);
        foreach (var value in values)
        {
            var at = value.LastIndexOf('=');
            var dims = at > 0 ? value[(at + 1)..].Split(',') : [];
            var parsed = dims.Select(d => int.TryParse(d.Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n > 0 ? n : -1).ToArray();
            if (at <= 0 || parsed.Length == 0 || parsed.Any(d => d < 0))
                throw new CompressionException("MCB0001", $"--input-shape '{value}' is not NAME=d0,d1,... with positive whole dimensions.");
            result[value[..at]] = parsed;
        }
        return result;
    }
}

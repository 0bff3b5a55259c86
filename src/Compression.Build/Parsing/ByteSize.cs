using System.Globalization;

namespace Compression.Build.Parsing;

/// <summary>
/// Sizes in properties such as ModelCompressionMaxCacheBytes: a whole number of bytes, or one with a binary unit
/// (KB, MB, GB, TB, case-insensitive; 1 KB = 1024 bytes, as disk tools and MSBuild users read them).
/// </summary>
internal static class ByteSize
{
    public static bool TryParse(string? text, out long bytes)
    {
        bytes = 0;
        if (text is null) return false;
        var value = text.Trim();
        long multiplier = 1;
        var units = new[] { ("TB", 1L << 40), ("GB", 1L << 30), ("MB", 1L << 20), ("KB", 1L << 10), ("B", 1L) };
        foreach (var (suffix, factor) in units)
        {
            if (value.EndsWith(suffix, System.StringComparison.OrdinalIgnoreCase))
            {
                multiplier = factor;
                value = value.Substring(0, value.Length - suffix.Length).TrimEnd();
                break;
            }
        }
        if (value.Length == 0 || !long.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var number)) return false;
        if (number > long.MaxValue / multiplier) return false;
        bytes = number * multiplier;
        return true;
    }
}

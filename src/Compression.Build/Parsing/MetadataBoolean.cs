namespace Compression.Build.Parsing;

/// <summary>Boolean metadata (Embed): empty means the default; otherwise true or false, as MSBuild conditions spell them.</summary>
internal static class MetadataBoolean
{
    public static bool TryParse(string? text, bool defaultValue, out bool value)
    {
        value = defaultValue;
        var trimmed = (text ?? "").Trim();
        if (trimmed.Length == 0) return true;
        if (string.Equals(trimmed, "true", System.StringComparison.OrdinalIgnoreCase)) { value = true; return true; }
        if (string.Equals(trimmed, "false", System.StringComparison.OrdinalIgnoreCase)) { value = false; return true; }
        return false;
    }
}

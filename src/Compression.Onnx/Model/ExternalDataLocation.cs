using Compression.Onnx.Diagnostics;

namespace Compression.Onnx.Model;

/// <summary>
/// Resolves an external-data <c>location</c> against the model's folder. The format says the location is relative to
/// the model; a path that is absolute or climbs out of the folder (<c>..</c>) is refused, because a model file is
/// untrusted input and must not make the build read or write arbitrary files.
/// </summary>
public static class ExternalDataLocation
{
    public static string Resolve(string baseDirectory, string location, string? modelFile)
    {
        if (string.IsNullOrEmpty(location))
            throw Escape("an empty location", modelFile);
        if (Path.IsPathRooted(location) || location.Contains(':') || location.StartsWith('\\') || location.StartsWith('/'))
            throw Escape($"the absolute path '{location}'", modelFile);
        var segments = location.Split('/', '\\');
        if (segments.Any(s => s == ".."))
            throw Escape($"'{location}', which leaves the model's folder", modelFile);
        var root = Path.GetFullPath(baseDirectory);
        var full = Path.GetFullPath(Path.Combine(root, Path.Combine(segments)));
        var rootWithSeparator = root.EndsWith(Path.DirectorySeparatorChar) ? root : root + Path.DirectorySeparatorChar;
        if (!full.StartsWith(rootWithSeparator, StringComparison.Ordinal))
            throw Escape($"'{location}', which leaves the model's folder", modelFile);
        return full;
    }

    private static CompressionException Escape(string what, string? modelFile) =>
        new(ErrorCodes.ExternalDataEscapes,
            $"external data must be a file inside the model's folder, but a tensor names {what}.", modelFile);
}

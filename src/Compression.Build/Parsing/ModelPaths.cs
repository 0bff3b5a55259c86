using System;
using System.IO;
using System.Security.Cryptography;
using System.Text;

namespace Compression.Build.Parsing;

/// <summary>
/// Where a model's compressed output goes: its own folder under the intermediate ModelCompression folder, named after
/// the model and a short hash of its full path, so two models with one file name never share a folder and a model's
/// folder does not move when other items are added or removed. The file inside keeps the model's name, as the engine
/// names its outputs (docs/build-protocol.md).
/// </summary>
internal static class ModelPaths
{
    public static string FolderName(string modelFullPath)
    {
        var stem = Path.GetFileNameWithoutExtension(modelFullPath);
        // Case-insensitive file systems (Windows) see one file under two spellings; hash one spelling.
        var key = Path.DirectorySeparatorChar == '\\' ? modelFullPath.ToUpperInvariant() : modelFullPath;
        using var sha = SHA256.Create();
        var hash = sha.ComputeHash(Encoding.UTF8.GetBytes(key));
        var hex = new StringBuilder();
        for (var i = 0; i < 4; i++) hex.Append(hash[i].ToString("x2", System.Globalization.CultureInfo.InvariantCulture));
        return $"{stem}-{hex}";
    }

    public static string OutputFileName(string modelFullPath) => Path.GetFileNameWithoutExtension(modelFullPath) + ".onnx";

    /// <summary>A folder made absolute against the project folder; empty stays empty.</summary>
    public static string Absolute(string projectDirectory, string? path)
    {
        if (string.IsNullOrWhiteSpace(path)) return "";
        return Path.GetFullPath(Path.Combine(projectDirectory, path!.Trim()));
    }

    public static bool SameFile(string a, string b) =>
        string.Equals(Path.GetFullPath(a), Path.GetFullPath(b),
            Path.DirectorySeparatorChar == '\\' ? StringComparison.OrdinalIgnoreCase : StringComparison.Ordinal);
}

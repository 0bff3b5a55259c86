using System.Reflection;
using System.Security.Cryptography;
using System.Text;
using Compression.Onnx.Model;

namespace Compression.Engine.Caching;

/// <summary>
/// The content address of one compression: SHA-256 over the model's bytes (and its external data files), every file of
/// its data sets (by relative path, ordinal order), the resolved plan (the effective recipe and every step, fallbacks
/// included, so the key describes what ran), and the engine version. Any change to what
/// could change the output changes the key; nothing else (paths, timestamps, machine) does.
/// </summary>
internal static class CacheKey
{
    /// <summary>Bumped whenever a pass changes what it writes for the same inputs.</summary>
    public const string EngineFormat = "9";

    public static string EngineVersion { get; } =
        (typeof(CacheKey).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "0")
        + "+format" + EngineFormat;

    /// <param name="dataSets">Each data-set folder with its role (calibration, validation): the same folder in another
    /// role makes another output.</param>
    /// <param name="settings">Anything else that changes the output (the accuracy budget), as text.</param>
    public static string Compute(string modelPath, Pipeline.CompressionPlan plan, IEnumerable<(string Role, string Folder)> dataSets, string settings = "")
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        AddText(hash, "engine", EngineVersion);
        AddText(hash, "plan", plan.Canonical);
        AddText(hash, "settings", settings);
        // Read once: the same bytes are hashed and searched for the external data files they name.
        var model = File.ReadAllBytes(modelPath);
        AddText(hash, "model", model.Length.ToString(System.Globalization.CultureInfo.InvariantCulture));
        hash.AppendData(model);
        foreach (var data in ExternalDataFiles(model, Path.GetDirectoryName(Path.GetFullPath(modelPath))!))
            AddFile(hash, "external:" + Path.GetFileName(data), data);
        foreach (var (role, folder) in dataSets.Where(d => d.Folder.Length > 0))
        {
            AddText(hash, "dataset", role);
            var root = Path.GetFullPath(folder);
            var files = Directory.Exists(root)
                ? Directory.EnumerateFiles(root, "*", SearchOption.AllDirectories).Order(StringComparer.Ordinal)
                : Enumerable.Empty<string>();
            foreach (var file in files) AddFile(hash, Path.GetRelativePath(root, file).Replace('\\', '/'), file);
        }
        return Convert.ToHexString(hash.GetHashAndReset()).ToLowerInvariant();
    }

    public static string Sha256(string path)
    {
        using var stream = File.OpenRead(path);
        return Convert.ToHexString(SHA256.HashData(stream)).ToLowerInvariant();
    }

    /// <summary>Data files a model's tensors name (only those that exist and stay in its folder; the load that follows
    /// reports a corrupt model, a missing file or an escaping location with its code).</summary>
    private static SortedSet<string> ExternalDataFiles(byte[] model, string folder)
    {
        Onnx.Protobuf.ModelProto proto;
        try
        {
            proto = Onnx.Protobuf.ModelProto.Parser.ParseFrom(model);
        }
        catch (Google.Protobuf.InvalidProtocolBufferException)
        {
            return [];
        }
        var files = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var location in ModelTensors.Enumerate(proto).SelectMany(t => t.Tensor.ExternalData.Where(e => e.Key == "location").Select(e => e.Value)))
        {
            try
            {
                var path = ExternalDataLocation.Resolve(folder, location, null);
                if (File.Exists(path)) files.Add(path);
            }
            catch (Onnx.Diagnostics.CompressionException)
            {
                // An escaping location: never read it here.
            }
        }
        return files;
    }

    private static void AddText(IncrementalHash hash, string label, string text)
    {
        var bytes = Encoding.UTF8.GetBytes($"{label}\n{text.Length}\n{text}\n");
        hash.AppendData(bytes);
    }

    private static void AddFile(IncrementalHash hash, string label, string path)
    {
        using var stream = File.OpenRead(path);
        AddText(hash, label, stream.Length.ToString(System.Globalization.CultureInfo.InvariantCulture));
        var buffer = new byte[1 << 16];
        int read;
        while ((read = stream.Read(buffer)) > 0) hash.AppendData(buffer.AsSpan(0, read));
    }
}

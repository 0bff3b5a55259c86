using System.Text.Json;

namespace Compression.Engine.Runtime;

/// <summary>
/// What a project's NuGet restore output (obj/project.assets.json) says about ONNX Runtime: the version of each
/// ONNX Runtime package the project resolved for one target framework (and RID), and the package folders.
/// The target's key is the framework's short name (project.frameworks.&lt;key&gt;.targetAlias is the TargetFramework
/// as written), with "/&lt;rid&gt;" for a RID-specific restore; libraries are keyed "Id/Version".
/// </summary>
internal sealed record ProjectAssets(IReadOnlyDictionary<string, string> Packages, IReadOnlyList<string> PackageFolders)
{
    /// <summary>The packages whose resolved version the resolver reads, most native first.</summary>
    public static IReadOnlyList<string> OnnxRuntimePackages { get; } =
    [
        OnnxRuntimePin.CpuPackage,
        "Microsoft.ML.OnnxRuntime.Gpu",
        "Microsoft.ML.OnnxRuntime.Gpu.Linux",
        "Microsoft.ML.OnnxRuntime.Gpu.Windows",
        OnnxRuntimePin.ManagedPackage,
    ];

    /// <summary>The version of <paramref name="id"/> the project resolved, or null (ids compare without case, as NuGet's).</summary>
    public string? VersionOf(string id) => Packages.TryGetValue(id, out var version) ? version : null;

    /// <summary>
    /// Reads the packages of the target for <paramref name="targetFramework"/> (and <paramref name="runtimeIdentifier"/>
    /// when restored for it); throws <see cref="JsonException"/> or <see cref="IOException"/> for a file it cannot read.
    /// </summary>
    public static ProjectAssets Read(string path, string targetFramework, string runtimeIdentifier)
    {
        using var document = JsonDocument.Parse(File.ReadAllBytes(path), new JsonDocumentOptions { AllowTrailingCommas = true });
        var root = document.RootElement;
        var folders = new List<string>();
        if (root.TryGetProperty("packageFolders", out var packageFolders) && packageFolders.ValueKind == JsonValueKind.Object)
            folders.AddRange(packageFolders.EnumerateObject().Select(f => f.Name));

        var packages = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        if (root.TryGetProperty("targets", out var targets) && targets.ValueKind == JsonValueKind.Object
            && Target(targets, FrameworkKey(root, targetFramework), runtimeIdentifier) is { } target)
        {
            foreach (var library in target.EnumerateObject())
            {
                var slash = library.Name.IndexOf('/', StringComparison.Ordinal);
                if (slash <= 0) continue;
                if (library.Value.TryGetProperty("type", out var type) && type.GetString() != "package") continue;
                packages[library.Name[..slash]] = library.Name[(slash + 1)..];
            }
        }
        return new ProjectAssets(packages, folders);
    }

    /// <summary>The targets key of a TargetFramework: the project.frameworks entry whose targetAlias it is, else itself.</summary>
    private static string FrameworkKey(JsonElement root, string targetFramework)
    {
        if (root.TryGetProperty("project", out var project) && project.TryGetProperty("frameworks", out var frameworks)
            && frameworks.ValueKind == JsonValueKind.Object)
        {
            foreach (var framework in frameworks.EnumerateObject())
                if (framework.Value.TryGetProperty("targetAlias", out var alias)
                    && string.Equals(alias.GetString(), targetFramework, StringComparison.OrdinalIgnoreCase))
                    return framework.Name;
        }
        return targetFramework;
    }

    /// <summary>"tfm/rid" when restored for the RID, else "tfm"; a single target when no framework is named.</summary>
    private static JsonElement? Target(JsonElement targets, string key, string runtimeIdentifier)
    {
        var all = targets.EnumerateObject().ToList();
        if (runtimeIdentifier.Length > 0 && all.FirstOrDefault(t => string.Equals(t.Name, $"{key}/{runtimeIdentifier}", StringComparison.OrdinalIgnoreCase)) is { Value.ValueKind: JsonValueKind.Object } withRid)
            return withRid.Value;
        if (all.FirstOrDefault(t => string.Equals(t.Name, key, StringComparison.OrdinalIgnoreCase)) is { Value.ValueKind: JsonValueKind.Object } plain)
            return plain.Value;
        var frameworkOnly = all.Where(t => !t.Name.Contains('/', StringComparison.Ordinal)).ToList();
        return key.Length == 0 && frameworkOnly.Count == 1 ? frameworkOnly[0].Value : null;
    }
}

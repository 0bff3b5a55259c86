using System.Text.Json;

namespace Compression.Engine.Runtime;

/// <summary>
/// Decides which ONNX Runtime native library checks the models (docs/decisions.md, "ONNX Runtime in the product").
/// In a build: the version of the project's own ONNX Runtime package (from its restore output), as the CPU library
/// for the build host's RID; else the version Compression.Build pins. Outside MSBuild: a library or package folder
/// named by <c>--onnxruntime</c> or MODELC_ONNXRUNTIME, else the pinned version in the NuGet global packages folder,
/// else .NET's default probing (an application, such as a test project, that carries its own natives).
/// </summary>
internal static class OnnxRuntimeResolver
{
    public const string EnvironmentVariable = "MODELC_ONNXRUNTIME";

    /// <summary>The choice for a build of a project whose restore output is <paramref name="assetsFile"/>.</summary>
    /// <param name="pinnedVersion">$(ModelCompressionOnnxRuntimeVersion); empty for <see cref="OnnxRuntimePin.Version"/>.</param>
    public static OnnxRuntimeChoice ForProject(string assetsFile, string targetFramework, string runtimeIdentifier,
        string pinnedVersion, string hostRid)
    {
        pinnedVersion = pinnedVersion.Length > 0 ? pinnedVersion : OnnxRuntimePin.Version;
        ProjectAssets? assets = null;
        string why;
        if (assetsFile.Length == 0) why = "no project.assets.json was given";
        else if (!File.Exists(assetsFile)) why = $"its restore output {assetsFile} does not exist";
        else
        {
            try
            {
                assets = ProjectAssets.Read(assetsFile, targetFramework, runtimeIdentifier);
                why = "the project references no ONNX Runtime";
            }
            catch (Exception e) when (e is JsonException or IOException or UnauthorizedAccessException)
            {
                why = $"its restore output {assetsFile} cannot be read: {e.Message}";
            }
        }
        var folders = (assets?.PackageFolders ?? []).Concat([GlobalPackagesFolder()]).Distinct(StringComparer.Ordinal).ToList();

        if (assets is not null)
        {
            // The project's native package: its own natives are what the app loads.
            foreach (var id in new[] { OnnxRuntimePin.CpuPackage, "Microsoft.ML.OnnxRuntime.Gpu.Linux", "Microsoft.ML.OnnxRuntime.Gpu.Windows", "Microsoft.ML.OnnxRuntime.Gpu" })
            {
                if (assets.VersionOf(id) is not { } version) continue;
                var source = $"the project's {id} {version}";
                if (OnnxRuntimePin.IsTooOld(version)) return TooOld(version, source);
                // The CPU library of that version serves the check; a GPU package's own library runs the CPU provider too.
                if (id != OnnxRuntimePin.CpuPackage && Native(folders, OnnxRuntimePin.CpuPackage, version, hostRid) is { } cpu)
                    return new OnnxRuntimeChoice(version, $"{source} (the CPU library of {OnnxRuntimePin.CpuPackage} {version})") { LibraryPath = cpu };
                if (Native(folders, id, version, hostRid) is { } own)
                    return new OnnxRuntimeChoice(version, id == OnnxRuntimePin.CpuPackage ? source : $"{source} (its CPU provider)") { LibraryPath = own };
                if (id == OnnxRuntimePin.CpuPackage) return Missing(folders, id, version, source, hostRid);
            }
            if (assets.VersionOf(OnnxRuntimePin.ManagedPackage) is { } managed)
            {
                var source = $"{OnnxRuntimePin.CpuPackage} {managed}, the natives of the project's {OnnxRuntimePin.ManagedPackage} {managed}";
                if (OnnxRuntimePin.IsTooOld(managed)) return TooOld(managed, $"the project's {OnnxRuntimePin.ManagedPackage} {managed}");
                if (Native(folders, OnnxRuntimePin.CpuPackage, managed, hostRid) is { } natives)
                    return new OnnxRuntimeChoice(managed, source) { LibraryPath = natives };
                why = $"the project references only {OnnxRuntimePin.ManagedPackage} {managed}, and {OnnxRuntimePin.CpuPackage} {managed} is not in its package folders";
            }
        }
        var pinnedSource = $"pinned by Compression.Build {pinnedVersion} ({why})";
        return Native(folders, OnnxRuntimePin.CpuPackage, pinnedVersion, hostRid) is { } pinned
            ? new OnnxRuntimeChoice(pinnedVersion, pinnedSource) { LibraryPath = pinned }
            : Missing(folders, OnnxRuntimePin.CpuPackage, pinnedVersion, pinnedSource, hostRid);
    }

    /// <summary>
    /// The choice outside MSBuild (<c>modelc compress</c>, tests): <paramref name="explicitPath"/> (a native library
    /// file or a package folder) as <paramref name="explicitLabel"/> names it, else MODELC_ONNXRUNTIME, else the
    /// pinned version in the global packages folder, else default probing.
    /// </summary>
    public static OnnxRuntimeChoice ForTool(string? explicitPath, string explicitLabel, string hostRid)
    {
        if (string.IsNullOrEmpty(explicitPath) && Environment.GetEnvironmentVariable(EnvironmentVariable) is { Length: > 0 } variable)
            (explicitPath, explicitLabel) = (variable, $"{EnvironmentVariable}={variable}");
        if (!string.IsNullOrEmpty(explicitPath)) return Explicit(Path.GetFullPath(explicitPath), explicitLabel, hostRid);
        var folder = GlobalPackagesFolder();
        if (Native([folder], OnnxRuntimePin.CpuPackage, OnnxRuntimePin.Version, hostRid) is { } pinned)
            return new OnnxRuntimeChoice(OnnxRuntimePin.Version, $"pinned by Compression.Build {OnnxRuntimePin.Version}, from the NuGet global packages folder") { LibraryPath = pinned };
        return new OnnxRuntimeChoice("", $".NET's default probing ({OnnxRuntimePin.CpuPackage} {OnnxRuntimePin.Version} is not in {folder})") { UsesDefaultProbing = true };
    }

    /// <summary>NUGET_PACKAGES, else ~/.nuget/packages (%USERPROFILE%\.nuget\packages on Windows).</summary>
    public static string GlobalPackagesFolder() =>
        Environment.GetEnvironmentVariable("NUGET_PACKAGES") is { Length: > 0 } custom ? custom
            : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages");

    /// <summary>The native library of package <paramref name="id"/> <paramref name="version"/> for a RID in the first folder that has it.</summary>
    public static string? Native(IEnumerable<string> folders, string id, string version, string rid) =>
        folders.Select(f => NativePath(f, id, version, rid)).FirstOrDefault(File.Exists);

    public static string NativePath(string folder, string id, string version, string rid) =>
        Path.Combine(folder, id.ToLowerInvariant(), version.ToLowerInvariant(), "runtimes", rid, "native", HostPlatform.LibraryFileName(rid));

    private static OnnxRuntimeChoice TooOld(string version, string source) => new(version, source)
    {
        Unavailable = $"{source} is older than {OnnxRuntimePin.OldestLoadable}, the oldest ONNX Runtime the engine's binding can load",
    };

    private static OnnxRuntimeChoice Missing(IReadOnlyList<string> folders, string id, string version, string source, string hostRid)
    {
        var packages = folders.Select(f => Path.Combine(f, id.ToLowerInvariant(), version.ToLowerInvariant())).ToList();
        var restored = packages.FirstOrDefault(Directory.Exists);
        return new OnnxRuntimeChoice(version, source)
        {
            Unavailable = restored is not null
                ? $"{id} {version} has no native library for the build host ({hostRid}): {Path.Combine(restored, "runtimes", hostRid, "native", HostPlatform.LibraryFileName(hostRid))} does not exist"
                : $"{id} {version} is not in the NuGet package folders ({string.Join(", ", folders)}); a restore of the project downloads it",
        };
    }

    private static OnnxRuntimeChoice Explicit(string path, string label, string hostRid)
    {
        var file = HostPlatform.LibraryFileName(hostRid);
        var library = File.Exists(path) ? path
            : new[] { Path.Combine(path, "runtimes", hostRid, "native", file), Path.Combine(path, file) }.FirstOrDefault(File.Exists);
        var version = VersionFromPath(library ?? path);
        return library is null
            ? new OnnxRuntimeChoice(version, label) { Unavailable = $"{label}: no ONNX Runtime library for the build host ({hostRid}) there (looked for runtimes/{hostRid}/native/{file} and {file})" }
            : new OnnxRuntimeChoice(version, label) { LibraryPath = library };
    }

    /// <summary>The version folder of a NuGet package path (…/microsoft.ml.onnxruntime/1.31.1/runtimes/…), else empty.</summary>
    private static string VersionFromPath(string path)
    {
        var parts = path.Replace('\\', '/').Split('/', StringSplitOptions.RemoveEmptyEntries);
        for (var i = 1; i < parts.Length; i++)
            if (parts[i - 1].StartsWith("microsoft.ml.onnxruntime", StringComparison.OrdinalIgnoreCase) && System.Version.TryParse(parts[i].Split('-')[0], out _))
                return parts[i];
        return "";
    }
}

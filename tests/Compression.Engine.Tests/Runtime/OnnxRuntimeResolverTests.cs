using System.Runtime.InteropServices;
using Compression.Engine.Runtime;
using Compression.Testing;

namespace Compression.Engine.Tests.Runtime;

/// <summary>
/// Which ONNX Runtime a build checks with, read from project.assets.json files in NuGet's real format (targets keyed
/// by the framework's short name, "/rid" for RID-specific restores; libraries "Id/Version"; packageFolders).
/// </summary>
public class OnnxRuntimeResolverTests
{
    private static readonly string Host = HostPlatform.RuntimeIdentifier;

    /// <summary>An assets file whose net10.0 target (and net10.0/<paramref name="rid"/>) holds the packages given.</summary>
    private static string Assets(TempFolder temp, string packageFolder, string rid, params (string Id, string Version)[] packages)
    {
        string Libraries() => string.Join(",\n", packages.Select(p =>
            $"      \"{p.Id}/{p.Version}\": {{ \"type\": \"package\", \"compile\": {{}}, \"runtime\": {{}} }}"));
        var targets = $"    \"net10.0\": {{\n{Libraries()}\n    }}" + (rid.Length > 0 ? $",\n    \"net10.0/{rid}\": {{\n{Libraries()}\n    }}" : "");
        var libraries = string.Join(",\n", packages.Select(p =>
            $"    \"{p.Id}/{p.Version}\": {{ \"sha512\": \"x\", \"type\": \"package\", \"path\": \"{p.Id.ToLowerInvariant()}/{p.Version}\", \"files\": [] }}"));
        var json = $$"""
            {
              "version": 3,
              "targets": {
            {{targets}}
              },
              "libraries": {
            {{libraries}}
              },
              "packageFolders": { "{{packageFolder.Replace("\\", "\\\\", StringComparison.Ordinal)}}/": {} },
              "project": { "version": "1.0.0", "frameworks": { "net10.0": { "framework": "net10.0", "targetAlias": "net10.0" } } }
            }
            """;
        var path = temp.Combine("obj", "project.assets.json");
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, json);
        return path;
    }

    /// <summary>A package folder holding a native library file for the host where real ones are not restored.</summary>
    private static string FakeNatives(TempFolder temp, string id, string version)
    {
        var folder = temp.CreateFolder("packages");
        var native = OnnxRuntimeResolver.NativePath(folder, id, version, Host);
        Directory.CreateDirectory(Path.GetDirectoryName(native)!);
        File.WriteAllBytes(native, [0]);
        return folder;
    }

    [Fact]
    public void A_project_referencing_Microsoft_ML_OnnxRuntime_is_checked_with_its_version()
    {
        using var temp = new TempFolder("ort-assets");
        var folder = FakeNatives(temp, "Microsoft.ML.OnnxRuntime", "1.31.1");
        var assets = Assets(temp, folder, "", ("Microsoft.ML.OnnxRuntime", "1.31.1"), ("Microsoft.ML.OnnxRuntime.Managed", "1.31.1"));

        var choice = OnnxRuntimeResolver.ForProject(assets, "net10.0", "", "1.32.0", Host);

        Assert.Equal("1.31.1", choice.Version);
        Assert.Equal("the project's Microsoft.ML.OnnxRuntime 1.31.1", choice.Source);
        Assert.Equal(OnnxRuntimeResolver.NativePath(folder, "Microsoft.ML.OnnxRuntime", "1.31.1", Host), choice.LibraryPath);
        Assert.Null(choice.Unavailable);
    }

    [Fact]
    public void The_rid_specific_target_is_read_when_the_build_has_a_rid()
    {
        using var temp = new TempFolder("ort-assets");
        var folder = FakeNatives(temp, "Microsoft.ML.OnnxRuntime", "1.31.0");
        var assets = Assets(temp, folder, "linux-x64", ("Microsoft.ML.OnnxRuntime", "1.31.0"));
        File.WriteAllText(assets, File.ReadAllText(assets).Replace("\"net10.0\": {\n      \"Microsoft.ML.OnnxRuntime/1.31.0\"", "\"net10.0\": {\n      \"Other/1.0.0\"", StringComparison.Ordinal));

        Assert.Equal("1.31.0", OnnxRuntimeResolver.ForProject(assets, "net10.0", "linux-x64", "", Host).Version);
        Assert.StartsWith("pinned by Compression.Build 1.32.0", OnnxRuntimeResolver.ForProject(assets, "net10.0", "", "", Host).Source, StringComparison.Ordinal);
    }

    [Fact]
    public void A_project_without_onnx_runtime_gets_the_pinned_version_from_the_real_global_packages_folder()
    {
        using var temp = new TempFolder("ort-assets");
        var global = OnnxRuntimeResolver.GlobalPackagesFolder();
        var assets = Assets(temp, global, "", ("Newtonsoft.Json", "13.0.3"));

        var choice = OnnxRuntimeResolver.ForProject(assets, "net10.0", "", "", Host);

        Assert.Equal(OnnxRuntimePin.Version, choice.Version);
        Assert.Equal("pinned by Compression.Build 1.32.0 (the project references no ONNX Runtime)", choice.Source);
        // The engine tests reference Microsoft.ML.OnnxRuntime 1.32.0, so restore put it there.
        Assert.True(File.Exists(choice.LibraryPath), choice.Unavailable);
    }

    [Fact]
    public void Only_the_managed_package_uses_that_versions_natives_when_present_else_the_pinned_ones_and_says_so()
    {
        using var temp = new TempFolder("ort-assets");
        var folder = FakeNatives(temp, "Microsoft.ML.OnnxRuntime", "1.31.0");
        var withNatives = OnnxRuntimeResolver.ForProject(Assets(temp, folder, "", ("Microsoft.ML.OnnxRuntime.Managed", "1.31.0")), "net10.0", "", "", Host);
        Assert.Equal(("1.31.0", "Microsoft.ML.OnnxRuntime 1.31.0, the natives of the project's Microsoft.ML.OnnxRuntime.Managed 1.31.0"),
            (withNatives.Version, withNatives.Source));

        var without = OnnxRuntimeResolver.ForProject(Assets(temp, folder, "", ("Microsoft.ML.OnnxRuntime.Managed", "1.30.5")), "net10.0", "", "", Host);
        Assert.Equal("1.32.0", without.Version);
        Assert.Equal("pinned by Compression.Build 1.32.0 (the project references only Microsoft.ML.OnnxRuntime.Managed 1.30.5, and Microsoft.ML.OnnxRuntime 1.30.5 is not in its package folders)", without.Source);
    }

    [Fact]
    public void A_gpu_package_is_checked_with_the_cpu_library_of_its_version()
    {
        using var temp = new TempFolder("ort-assets");
        var folder = FakeNatives(temp, "Microsoft.ML.OnnxRuntime", "1.31.0");
        var choice = OnnxRuntimeResolver.ForProject(Assets(temp, folder, "",
            ("Microsoft.ML.OnnxRuntime.Gpu", "1.31.0"), ("Microsoft.ML.OnnxRuntime.Gpu.Linux", "1.31.0"), ("Microsoft.ML.OnnxRuntime.Managed", "1.31.0")), "net10.0", "", "", Host);
        Assert.Equal("1.31.0", choice.Version);
        Assert.Contains("the CPU library of Microsoft.ML.OnnxRuntime 1.31.0", choice.Source, StringComparison.Ordinal);
        Assert.Equal(OnnxRuntimeResolver.NativePath(folder, "Microsoft.ML.OnnxRuntime", "1.31.0", Host), choice.LibraryPath);
    }

    [Fact]
    public void A_host_without_a_binary_and_a_too_old_version_are_unavailable_and_say_why()
    {
        using var temp = new TempFolder("ort-assets");
        var global = OnnxRuntimeResolver.GlobalPackagesFolder();
        var musl = OnnxRuntimeResolver.ForProject(Assets(temp, global, ""), "net10.0", "", "", "linux-musl-x64");
        Assert.Null(musl.LibraryPath);
        Assert.Contains("has no native library for the build host (linux-musl-x64)", musl.Unavailable, StringComparison.Ordinal);

        var old = OnnxRuntimeResolver.ForProject(Assets(temp, global, "", ("Microsoft.ML.OnnxRuntime", "1.22.0")), "net10.0", "", "", Host);
        Assert.Contains("older than 1.30.0", old.Unavailable, StringComparison.Ordinal);

        var binding = OnnxRuntimeLoader.Load(musl);
        Assert.False(binding.IsAvailable);
        Assert.Equal(EngineErrorCodes.OnnxRuntimeCheckSkipped, binding.Warning?.Code);
        Assert.StartsWith("the ONNX Runtime check was skipped: Microsoft.ML.OnnxRuntime 1.32.0 has no native library for the build host (linux-musl-x64)", binding.Warning?.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_missing_assets_file_falls_back_to_the_pinned_version_and_says_why()
    {
        var choice = OnnxRuntimeResolver.ForProject("/nonexistent/obj/project.assets.json", "net10.0", "", "", Host);
        Assert.Equal("pinned by Compression.Build 1.32.0 (its restore output /nonexistent/obj/project.assets.json does not exist)", choice.Source);
    }

    [Fact]
    public void Outside_msbuild_an_explicit_library_or_package_folder_wins()
    {
        using var temp = new TempFolder("ort-tool");
        var folder = FakeNatives(temp, "Microsoft.ML.OnnxRuntime", "1.31.1");
        var package = Path.Combine(folder, "microsoft.ml.onnxruntime", "1.31.1");
        var fromFolder = OnnxRuntimeResolver.ForTool(package, $"--onnxruntime {package}", Host);
        Assert.Equal(("1.31.1", OnnxRuntimeResolver.NativePath(folder, "Microsoft.ML.OnnxRuntime", "1.31.1", Host)), (fromFolder.Version, fromFolder.LibraryPath));
        Assert.Equal($"--onnxruntime {package}", fromFolder.Source);

        var missing = OnnxRuntimeResolver.ForTool(temp.Combine("nothing"), "--onnxruntime nothing", Host);
        Assert.Contains("no ONNX Runtime library for the build host", missing.Unavailable, StringComparison.Ordinal);

        var pinned = OnnxRuntimeResolver.ForTool(null, "", Host);
        Assert.Equal("pinned by Compression.Build 1.32.0, from the NuGet global packages folder", pinned.Source);
    }

    [Theory]
    [InlineData("linux", Architecture.X64, false, "linux-x64")]
    [InlineData("linux", Architecture.Arm64, true, "linux-musl-arm64")]
    [InlineData("osx", Architecture.Arm64, false, "osx-arm64")]
    [InlineData("win", Architecture.X64, false, "win-x64")]
    [InlineData("android", Architecture.Arm64, false, "android-arm64")]
    public void The_host_rid_comes_from_the_os_and_the_process_architecture(string os, Architecture architecture, bool musl, string rid) =>
        Assert.Equal(rid, HostPlatform.Compute(os, architecture, musl));

    [Fact]
    public void The_pinned_version_is_the_one_the_package_props_declare()
    {
        var props = File.ReadAllText(Path.Combine(TestAssets.RepoRoot, "src", "Compression.Build", "build", "Compression.Build.props"));
        Assert.Contains($">{OnnxRuntimePin.Version}</ModelCompressionOnnxRuntimeVersion>", props, StringComparison.Ordinal);
    }
}

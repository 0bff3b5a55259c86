namespace Compression.Build.Tests.Integration;

/// <summary>One cache entry per variant: across projects of a solution and across target frameworks.</summary>
[Collection(PackageCollection.Name)]
public sealed class SharingTests(PackageFixture package)
{
    [Fact]
    public async Task Two_projects_of_one_solution_built_in_parallel_share_one_cache_entry()
    {
        using var solution = new ConsumerProject(package, "One");
        using var cache = new Compression.Testing.TempFolder("shared-cache");
        solution.CacheDirectory = cache.Path;
        var shared = solution.AddModel("hello_deepa.onnx", folder: Path.Combine(solution.Root, "shared"));
        var item = $"<ModelCompression Include=\"{shared}\" />";
        solution.Write(item).Write(item, projectName: "Two");
        var sln = Path.Combine(solution.Root, "Both.sln");
        File.WriteAllText(sln, Solution("One", "Two"));

        var result = await solution.RunAsync("build", sln, "-m:2");
        result.AssertSucceeded();
        Assert.Equal(2, result.EngineRuns);
        Assert.Equal(1, ConsumerProject.CacheEntries(cache.Path));
        var one = ConsumerProject.Constant(File.ReadAllText(Path.Combine(solution.Root, "One", "obj", "Debug", "net10.0", "ModelCompression", "CompressedModels.g.cs")), "HelloDeepa", "Sha256");
        var two = ConsumerProject.Constant(File.ReadAllText(Path.Combine(solution.Root, "Two", "obj", "Debug", "net10.0", "ModelCompression", "CompressedModels.g.cs")), "HelloDeepa", "Sha256");
        Assert.Equal(one, two);
    }

    [Fact]
    public async Task A_net8_and_net10_consumer_compresses_the_variant_once()
    {
        using var app = new ConsumerProject(package);
        using var cache = new Compression.Testing.TempFolder("tfm-cache");
        app.CacheDirectory = cache.Path;
        app.Write("<ModelCompression Include=\"hello_deepa.onnx\" />", targetFramework: "<TargetFrameworks>net8.0;net10.0</TargetFrameworks>");
        app.AddModel("hello_deepa.onnx");
        // -m:1 orders the inner builds, so "once" means: the second one is a cache hit.
        var result = await app.RunAsync("build", "-m:1");
        result.AssertSucceeded();
        Assert.Equal(1, ConsumerProject.CacheEntries(cache.Path));
        var hits = new[] { "net8.0", "net10.0" }
            .Select(tfm => Directory.GetFiles(app.Obj(tfm: tfm), "response.json", SearchOption.AllDirectories).Single())
            .Count(response => File.ReadAllText(response).Contains("\"cacheHit\": true", StringComparison.Ordinal));
        Assert.Equal(1, hits);
    }

    [Fact]
    public async Task With_RuntimeIdentifiers_one_restore_serves_each_RID_and_RIDs_of_one_variant_compress_it_once()
    {
        using var app = new ConsumerProject(package);
        using var cache = new Compression.Testing.TempFolder("rids-cache");
        app.CacheDirectory = cache.Path;
        app.Write("<ModelCompression Include=\"hello_deepa.onnx\" />",
            properties: "<RuntimeIdentifiers>linux-x64;linux-musl-x64;linux-arm64</RuntimeIdentifiers><UseAppHost>false</UseAppHost><SelfContained>false</SelfContained>" +
                // Runtime and apphost packs for other RIDs are not on this machine's NuGet copy; a framework-dependent build without an apphost does not use them.
                "<EnableRuntimePackDownload>false</EnableRuntimePackDownload><EnableAppHostPackDownload>false</EnableAppHostPackDownload>");
        app.AddModel("hello_deepa.onnx");
        (await app.RunAsync("restore")).AssertSucceeded();

        var expected = new[] { ("linux-x64", "desktop-x64"), ("linux-musl-x64", "desktop-x64"), ("linux-arm64", "desktop-arm64") };
        foreach (var (rid, profile) in expected)
        {
            (await app.RunAsync("build", "-r", rid, "--no-restore")).AssertSucceeded();
            Assert.Equal(profile, ConsumerProject.Constant(app.Accessor(rid), "HelloDeepa", "Profile"));
        }
        // Today all three profiles share the int8-weight recipe: one variant, compressed by the first build only.
        Assert.Equal(1, ConsumerProject.CacheEntries(cache.Path));
        var hits = expected.Select(e => File.ReadAllText(Directory.GetFiles(app.Obj(e.Item1), "response.json", SearchOption.AllDirectories).Single()))
            .Select(response => response.Contains("\"cacheHit\": true", StringComparison.Ordinal)).ToList();
        Assert.Equal([false, true, true], hits);
    }

    private static string Solution(params string[] projects)
    {
        var text = new System.Text.StringBuilder("\nMicrosoft Visual Studio Solution File, Format Version 12.00\n# Visual Studio Version 17\n");
        var guids = projects.Select(_ => Guid.NewGuid().ToString("B").ToUpperInvariant()).ToList();
        for (var i = 0; i < projects.Length; i++)
        {
            text.Append($"Project(\"{{9A19103F-16F7-4668-BE54-9A1E7A4F7556}}\") = \"{projects[i]}\", \"{projects[i]}/{projects[i]}.csproj\", \"{guids[i]}\"\nEndProject\n");
        }
        text.Append("Global\n\tGlobalSection(SolutionConfigurationPlatforms) = preSolution\n\t\tDebug|Any CPU = Debug|Any CPU\n\tEndGlobalSection\n");
        text.Append("\tGlobalSection(ProjectConfigurationPlatforms) = postSolution\n");
        foreach (var guid in guids)
        {
            text.Append($"\t\t{guid}.Debug|Any CPU.ActiveCfg = Debug|Any CPU\n\t\t{guid}.Debug|Any CPU.Build.0 = Debug|Any CPU\n");
        }
        return text.Append("\tEndGlobalSection\nEndGlobal\n").ToString();
    }
}

namespace Compression.Build.Tests.Integration;

/// <summary>LowRank metadata through a real build: the factored model is embedded, recorded in the accessor, and reads back.</summary>
[Collection(PackageCollection.Name)]
public sealed class LowRankBuildTests(PackageFixture package)
{
    private const string Program = """
        var bytes = App.CompressedModels.HelloDeepa.ReadAllBytes();
        var sha = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(bytes));
        Console.WriteLine($"recipe={App.CompressedModels.HelloDeepa.Recipe} bytes={bytes.Length} sha-ok={sha == App.CompressedModels.HelloDeepa.Sha256}");
        """;

    [Fact]
    public async Task LowRank_metadata_embeds_the_factored_model()
    {
        using var app = new ConsumerProject(package).Write("<ModelCompression Include=\"hello_deepa.onnx\" LowRank=\"rank:0.25\" Quantization=\"none\" />", program: Program);
        app.AddModel("hello_deepa.onnx");
        (await app.RunAsync("build")).AssertSucceeded();
        var bin = Path.Combine(app.ProjectDirectory, "bin", "Debug", "net10.0");
        var resource = EmbeddedResources.Read(Path.Combine(bin, "App.dll"))["App.Models.hello_deepa.onnx"];
        var original = new FileInfo(Path.Combine(app.ProjectDirectory, "hello_deepa.onnx")).Length;
        // Two Gemms at a quarter of full rank: 3.7x fewer bytes than the float file.
        Assert.True(resource.Length * 3 < original, $"embedded {resource.Length} bytes of {original}");
        var result = await Compression.Testing.ProcessRunner.RunAsync("dotnet", [Path.Combine(bin, "App.dll")],
            TimeSpan.FromMinutes(1), ConsumerProject.CleanEnvironment(), app.ProjectDirectory);
        Assert.True(result.ExitCode == 0, result.StandardError);
        Assert.Contains("recipe=low-rank rank:0.25", result.StandardOutput);
        Assert.Contains("sha-ok=True", result.StandardOutput);
    }
}

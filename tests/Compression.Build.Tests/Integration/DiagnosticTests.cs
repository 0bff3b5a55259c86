namespace Compression.Build.Tests.Integration;

/// <summary>Each kind of bad input fails the build with exactly one error, with its code and the file it concerns.</summary>
[Collection(PackageCollection.Name)]
public sealed class DiagnosticTests(PackageFixture package)
{
    [Fact]
    public async Task A_missing_model_is_one_MCB1001_on_the_model()
    {
        using var app = new ConsumerProject(package).Write("<ModelCompression Include=\"Models/absent.onnx\" />");
        await AssertOneError(app, "MCB1001", Path.Combine(app.ProjectDirectory, "Models", "absent.onnx"));
    }

    [Fact]
    public async Task A_corrupt_model_is_one_MCB1003_on_the_model()
    {
        using var app = new ConsumerProject(package).Write("<ModelCompression Include=\"broken.onnx\" />");
        var model = Path.Combine(app.ProjectDirectory, "broken.onnx");
        var real = File.ReadAllBytes(Compression.Testing.TestAssets.Require(Path.Combine(Compression.Testing.TestAssets.ModelsFolder, "hello_deepa.onnx")));
        File.WriteAllBytes(model, real[..(real.Length / 3)]); // truncated mid-tensor
        await AssertOneError(app, "MCB1003", model);
    }

    [Fact]
    public async Task An_unknown_profile_is_one_MCB2001_listing_the_known_ones()
    {
        using var app = new ConsumerProject(package).Write("<ModelCompression Include=\"hello_deepa.onnx\" Profile=\"watch\" />");
        app.AddModel("hello_deepa.onnx");
        var error = await AssertOneError(app, "MCB2001", null);
        Assert.Contains("portable", error);
    }

    [Fact]
    public async Task A_bad_metadata_value_is_one_MCB2002_on_the_project_naming_the_item()
    {
        using var app = new ConsumerProject(package).Write("<ModelCompression Include=\"hello_deepa.onnx\" Quantization=\"int9\" />");
        app.AddModel("hello_deepa.onnx");
        var error = await AssertOneError(app, "MCB2002", null);
        Assert.Contains("int9", error);
        Assert.Contains("hello_deepa.onnx", error);
    }

    private static async Task<string> AssertOneError(ConsumerProject app, string code, string? file)
    {
        var result = await app.RunAsync("build");
        Assert.NotEqual(0, result.ExitCode);
        var error = Assert.Single(result.Errors);
        Assert.Contains($"error {code}:", error);
        // The file comes first in MSBuild's canonical format: the model, or the project for a project-wide problem.
        Assert.StartsWith(file ?? app.ProjectFile, error);
        Assert.DoesNotContain("MSB6006", result.Output);
        Assert.DoesNotContain("   at ", error);
        return error;
    }
}

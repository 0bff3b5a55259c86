using System.Text.Json;
using Compression.Testing;

namespace Compression.Build.Tests.Integration;

/// <summary>
/// Issue 15 through real builds: every compressed model is loaded and run in ONNX Runtime during the build — the
/// version the project references, else the one the package pins (restored by its PackageDownload, nothing added to
/// the app) — its latency is in the report, and a model ONNX Runtime refuses fails the build with MCB2301 naming the
/// plan step, leaving nothing embedded and nothing cached.
/// </summary>
[Collection(PackageCollection.Name)]
public sealed class OnnxRuntimeBuildTests(PackageFixture package)
{
    private const string PinnedVersion = "1.32.0";

    [Fact]
    public async Task Without_an_OnnxRuntime_reference_the_pinned_version_checks_and_times_the_model_and_the_app_gets_no_runtime()
    {
        using var app = new ConsumerProject(package).Write("<ModelCompression Include=\"hello_deepa.onnx\" />");
        app.AddModel("hello_deepa.onnx");
        (await app.RunAsync("build")).AssertSucceeded();

        var runtime = OnnxRuntimeOf(app);
        Assert.Equal(PinnedVersion, runtime.GetProperty("version").GetString());
        Assert.True(runtime.GetProperty("checked").GetBoolean());
        Assert.Contains("pinned", runtime.GetProperty("source").GetString(), StringComparison.OrdinalIgnoreCase);
        AssertLatency(runtime.GetProperty("latency"));
        Assert.False(string.IsNullOrWhiteSpace(runtime.GetProperty("machine").GetString()));
        var report = File.ReadAllText(Path.Combine(app.Obj(), "compression-report.md"));
        Assert.Contains("ONNX Runtime " + PinnedVersion, report, StringComparison.Ordinal);

        // A build-only package: ONNX Runtime ran in the build, not as a dependency of the app.
        var output = Path.Combine(app.ProjectDirectory, "bin", "Debug", "net10.0");
        Assert.DoesNotContain(Directory.EnumerateFiles(output, "*", SearchOption.AllDirectories),
            f => Path.GetFileName(f).Contains("onnxruntime", StringComparison.OrdinalIgnoreCase));
        Assert.DoesNotContain("Microsoft.ML.OnnxRuntime", File.ReadAllText(Path.Combine(output, "App.deps.json")), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_project_that_references_OnnxRuntime_is_checked_with_its_own_version()
    {
        using var app = new ConsumerProject(package).Write("""
            <ModelCompression Include="face_detection_front_128x128_barracuda.onnx" />
            <PackageReference Include="Microsoft.ML.OnnxRuntime" Version="1.31.1" />
            """);
        app.AddModel("face_detection_front_128x128_barracuda.onnx");
        (await app.RunAsync("build")).AssertSucceeded();

        var runtime = OnnxRuntimeOf(app);
        Assert.Equal("1.31.1", runtime.GetProperty("version").GetString());
        Assert.True(runtime.GetProperty("checked").GetBoolean());
        Assert.Contains("Microsoft.ML.OnnxRuntime", runtime.GetProperty("source").GetString(), StringComparison.Ordinal);
        AssertLatency(runtime.GetProperty("latency"));
    }

    [Fact]
    public async Task The_check_can_be_turned_off_and_the_report_says_so()
    {
        using var app = new ConsumerProject(package).Write("<ModelCompression Include=\"hello_deepa.onnx\" Quantization=\"fp16\" />",
            "<ModelCompressionOnnxRuntimeCheck>false</ModelCompressionOnnxRuntimeCheck>");
        app.AddModel("hello_deepa.onnx");
        (await app.RunAsync("build")).AssertSucceeded();

        var runtime = OnnxRuntimeOf(app);
        Assert.False(runtime.GetProperty("checked").GetBoolean());
        Assert.Contains("ModelCompressionOnnxRuntimeCheck=false", runtime.GetProperty("note").GetString(), StringComparison.Ordinal);
        Assert.True(!runtime.TryGetProperty("latency", out var latency) || latency.ValueKind == JsonValueKind.Null);
        Assert.Contains("ModelCompressionOnnxRuntimeCheck=false", File.ReadAllText(Path.Combine(app.Obj(), "compression-report.md")), StringComparison.Ordinal);
    }

    private const string BrokenPassSource = """
        using Compression.Engine.Pipeline;
        using Compression.Engine.Recipes;
        using Compression.Onnx.Protobuf;

        namespace Compression.Engine.BrokenOutput;

        /// <summary>BreakOutput="yes": gives the first node an attribute no operator defines. The engine's structural
        /// check accepts that; ONNX Runtime refuses the model ("Unrecognized attribute").</summary>
        internal sealed class BrokenOutputPass : ICompressionPass
        {
            public static RecipeOption Option { get; } = RecipeOption.Extension("BreakOutput", "--break-output", "yes", "", v => v);

            public string Name => "break-output";

            public PassReport Apply(CompressionContext context)
            {
                context.Model.Graph.Node[0].Attribute.Add(new AttributeProto { Name = "not_an_attribute", Type = AttributeProto.Types.AttributeType.Int, I = 1 });
                return new PassReport(Name, 1, 0, 0, ["attribute added"]);
            }
        }
        """;

    private const string BrokenRegistrationLine =
        "        new(\"break-output\", r => r.Extensions.ContainsKey(\"BreakOutput\"), () => new BrokenOutput.BrokenOutputPass()) { Options = [BrokenOutput.BrokenOutputPass.Option] },";

    [Fact]
    public async Task A_pass_whose_output_OnnxRuntime_refuses_fails_the_build_naming_the_step_with_nothing_embedded_or_cached()
    {
        using var copy = new EngineSourceCopy("broken-pass");
        copy.AddPass("BrokenOutput", "BrokenOutputPass.cs", BrokenPassSource, BrokenRegistrationLine, after: "new(\"int4-weight\"");
        var engine = await copy.BuildEngineAsync();

        using var cache = new TempFolder("broken-pass-cache");
        using var app = new ConsumerProject(package) { CacheDirectory = cache.Path }.Write(
            "<ModelCompression Include=\"hello_deepa.onnx\" Quantization=\"int8-weight\" BreakOutput=\"yes\" />",
            $"<ModelCompressionEnginePath>{engine}</ModelCompressionEnginePath>");
        var model = app.AddModel("hello_deepa.onnx");
        var result = await app.RunAsync("build");

        Assert.NotEqual(0, result.ExitCode);
        var error = Assert.Single(result.Errors, e => e.Contains("MCB2301", StringComparison.Ordinal));
        Assert.Contains(model, error, StringComparison.Ordinal);
        Assert.Contains("break-output", error, StringComparison.Ordinal);
        Assert.Contains("Unrecognized attribute", error, StringComparison.Ordinal);
        Assert.Contains("ONNX Runtime " + PinnedVersion, error, StringComparison.Ordinal);

        Assert.Equal(0, ConsumerProject.CacheEntries(cache.Path));
        Assert.Empty(Directory.Exists(app.Obj()) ? Directory.GetFiles(app.Obj(), "*.onnx*", SearchOption.AllDirectories) : []);
        var dll = Path.Combine(app.ProjectDirectory, "bin", "Debug", "net10.0", "App.dll");
        Assert.True(!File.Exists(dll) || EmbeddedResources.Read(dll).Count == 0, "the refused model was embedded");
    }

    /// <summary>The first model's <c>result.onnxRuntime</c> in the build's merged report.</summary>
    private static JsonElement OnnxRuntimeOf(ConsumerProject app)
    {
        using var document = JsonDocument.Parse(File.ReadAllText(Path.Combine(app.Obj(), "compression-report.json")));
        return document.RootElement.GetProperty("models")[0].GetProperty("result").GetProperty("onnxRuntime").Clone();
    }

    private static void AssertLatency(JsonElement latency)
    {
        Assert.True(latency.GetProperty("runs").GetInt32() >= 3);
        Assert.Equal(Environment.ProcessorCount, latency.GetProperty("threads").GetInt32());
        foreach (var name in new[] { "originalMsOneThread", "compressedMsOneThread", "originalMsAllThreads", "compressedMsAllThreads" })
            Assert.True(latency.GetProperty(name).GetDouble() > 0, $"{name} is not positive");
    }
}

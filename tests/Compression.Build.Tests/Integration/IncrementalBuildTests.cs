namespace Compression.Build.Tests.Integration;

/// <summary>What a second build does: nothing when nothing changed, one model when one changed; clean; design time.</summary>
[Collection(PackageCollection.Name)]
public sealed class IncrementalBuildTests(PackageFixture package)
{
    private const string TwoModels = """
        <ModelCompression Include="hello_deepa.onnx" />
        <ModelCompression Include="Models/classifier.onnx" />
        """;

    [Fact]
    public async Task A_second_build_skips_compression_and_a_changed_model_recompresses_only_that_model()
    {
        using var app = new ConsumerProject(package).Write(TwoModels);
        app.AddModel("hello_deepa.onnx");
        app.AddModel("ch_ppocr_mobile_v2.0_cls_infer.onnx", "Models/classifier.onnx");

        var first = await app.RunAsync("build");
        first.AssertSucceeded();
        Assert.Equal(2, first.EngineRuns);
        var report = ReportedModels(app);
        Assert.Equal(["hello_deepa.onnx", "Models/classifier.onnx"], report.Select(m => m.ItemSpec));
        var markdown = File.ReadAllText(Path.Combine(app.Obj(), "compression-report.md"));
        Assert.Contains("| hello_deepa.onnx | portable | int8-weight |", markdown);
        Assert.Contains("| Models/classifier.onnx | portable | int8-weight |", markdown);

        var second = await app.RunAsync("build");
        second.AssertSucceeded();
        Assert.Equal(0, second.EngineRuns);
        Assert.Equal(2, second.CompressionsSkipped);
        Assert.Equal(1, second.Skipped("_ModelCompressionReport"));

        // Another real model's bytes in place of the classifier: a change of content and of timestamp.
        app.AddModel("face_detection_front_128x128_barracuda.onnx", "Models/classifier.onnx");
        var third = await app.RunAsync("build");
        third.AssertSucceeded();
        Assert.Equal(1, third.EngineRuns);
        Assert.Equal(1, third.CompressionsSkipped);
        var accessor = app.Accessor();
        var original = new FileInfo(Path.Combine(app.ProjectDirectory, "Models", "classifier.onnx")).Length;
        Assert.Equal(original.ToString(System.Globalization.CultureInfo.InvariantCulture), ConsumerProject.Constant(accessor, "Classifier", "OriginalSize"));
        // The build's report follows: both models, the changed one with its new size.
        report = ReportedModels(app);
        Assert.Equal(2, report.Count);
        Assert.Equal(original, report.Single(m => m.ItemSpec == "Models/classifier.onnx").OriginalBytes);

        // A model that leaves the project leaves the report.
        app.Write("<ModelCompression Include=\"hello_deepa.onnx\" />");
        (await app.RunAsync("build")).AssertSucceeded();
        Assert.Equal(["hello_deepa.onnx"], ReportedModels(app).Select(m => m.ItemSpec));
    }

    [Fact]
    public async Task A_changed_data_set_file_recompresses_that_model_and_its_fidelity_is_measured_on_it()
    {
        using var app = new ConsumerProject(package).Write("""
            <ModelCompression Include="hello_deepa.onnx" ValidationData="Data/validation/" />
            <ModelCompression Include="Models/classifier.onnx" />
            """);
        var model = app.AddModel("hello_deepa.onnx");
        app.AddModel("ch_ppocr_mobile_v2.0_cls_infer.onnx", "Models/classifier.onnx");
        var sample = Path.Combine(app.ProjectDirectory, "Data", "validation", "sample_0");
        await Compression.Testing.ModelInputs.GenerateAsync(model, sample, seed: 1);
        (await app.RunAsync("build")).AssertSucceeded();
        var json = File.ReadAllText(Path.Combine(app.Obj(), "compression-report.json"));
        Assert.Contains("validation data", json);

        // Same file names, other values: only the model whose data set it is runs again.
        await Compression.Testing.ModelInputs.GenerateAsync(model, sample, seed: 2);
        var rebuild = await app.RunAsync("build");
        rebuild.AssertSucceeded();
        Assert.Equal(1, rebuild.EngineRuns);
        Assert.Equal(1, rebuild.CompressionsSkipped);

        // A sample added to the folder counts as a change too.
        await Compression.Testing.ModelInputs.GenerateAsync(model, Path.Combine(app.ProjectDirectory, "Data", "validation", "sample_1"), seed: 3);
        var again = await app.RunAsync("build");
        again.AssertSucceeded();
        Assert.Equal(1, again.EngineRuns);
    }

    [Fact]
    public async Task A_changed_metadata_value_recompresses_that_model()
    {
        using var app = new ConsumerProject(package).Write(TwoModels);
        app.AddModel("hello_deepa.onnx");
        app.AddModel("ch_ppocr_mobile_v2.0_cls_infer.onnx", "Models/classifier.onnx");
        (await app.RunAsync("build")).AssertSucceeded();

        app.Write(TwoModels.Replace("<ModelCompression Include=\"hello_deepa.onnx\" />", "<ModelCompression Include=\"hello_deepa.onnx\" Quantization=\"fp16\" />"));
        var rebuild = await app.RunAsync("build");
        rebuild.AssertSucceeded();
        Assert.Equal(1, rebuild.EngineRuns);
        Assert.Equal("fp16", ConsumerProject.Constant(app.Accessor(), "HelloDeepa", "Recipe"));
    }

    private sealed record ReportedModel(string ItemSpec, long OriginalBytes);

    /// <summary>The models in the build's merged report (obj/.../ModelCompression/compression-report.json), in order.</summary>
    private static List<ReportedModel> ReportedModels(ConsumerProject app)
    {
        using var document = System.Text.Json.JsonDocument.Parse(File.ReadAllText(Path.Combine(app.Obj(), "compression-report.json")));
        return document.RootElement.GetProperty("models").EnumerateArray()
            .Select(m => new ReportedModel(m.GetProperty("itemSpec").GetString()!, m.GetProperty("originalBytes").GetInt64()))
            .ToList();
    }

    [Fact]
    public async Task Clean_removes_the_compressed_models()
    {
        using var app = new ConsumerProject(package).Write("<ModelCompression Include=\"hello_deepa.onnx\" />");
        app.AddModel("hello_deepa.onnx");
        (await app.RunAsync("build")).AssertSucceeded();
        Assert.NotEmpty(Directory.GetFiles(app.Obj(), "*.onnx", SearchOption.AllDirectories));
        (await app.RunAsync("clean")).AssertSucceeded();
        Assert.False(Directory.Exists(app.Obj()), "obj/.../ModelCompression survived dotnet clean");
    }

    [Fact]
    public async Task A_design_time_build_compresses_nothing_and_still_compiles_against_the_accessor()
    {
        const string program = "System.Console.WriteLine(App.CompressedModels.HelloDeepa.Profile + App.CompressedModels.HelloDeepa.OriginalSize);\n";
        using var app = new ConsumerProject(package).Write("<ModelCompression Include=\"hello_deepa.onnx\" />", program: program);
        app.AddModel("hello_deepa.onnx");
        var result = await app.RunAsync("build", "-p:DesignTimeBuild=true");
        result.AssertSucceeded();
        Assert.Equal(0, result.EngineRuns);
        Assert.Empty(Directory.GetFiles(app.Obj(), "*.onnx", SearchOption.AllDirectories));
        Assert.Equal("(not built yet)", ConsumerProject.Constant(app.Accessor(), "HelloDeepa", "Profile"));
    }
}

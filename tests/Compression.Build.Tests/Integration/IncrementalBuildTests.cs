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

        var second = await app.RunAsync("build");
        second.AssertSucceeded();
        Assert.Equal(0, second.EngineRuns);
        Assert.Equal(2, second.CompressionsSkipped);

        // Another real model's bytes in place of the classifier: a change of content and of timestamp.
        app.AddModel("face_detection_front_128x128_barracuda.onnx", "Models/classifier.onnx");
        var third = await app.RunAsync("build");
        third.AssertSucceeded();
        Assert.Equal(1, third.EngineRuns);
        Assert.Equal(1, third.CompressionsSkipped);
        var accessor = app.Accessor();
        var original = new FileInfo(Path.Combine(app.ProjectDirectory, "Models", "classifier.onnx")).Length;
        Assert.Equal(original.ToString(System.Globalization.CultureInfo.InvariantCulture), ConsumerProject.Constant(accessor, "Classifier", "OriginalSize"));
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

using Compression.Engine.Build;
using Compression.Testing;

namespace Compression.Engine.Tests.Build;

public class BuildRunnerTests
{
    private static BuildRequest Request(TempFolder temp, params ModelItem[] models) => new()
    {
        ProjectFile = temp.Combine("App.csproj"),
        CacheDirectory = temp.Combine("cache"),
        OutputDirectory = temp.Combine("out"),
        Models = models,
    };

    private static ModelItem Item(string path, string profile = "", Dictionary<string, string>? options = null) => new()
    {
        ItemSpec = Path.GetFileName(path), FullPath = path, Profile = profile, Options = options ?? [],
    };

    [Fact]
    public void Each_model_builds_or_fails_on_its_own_and_the_second_build_comes_from_the_cache()
    {
        using var temp = new TempFolder("build");
        var model = TestAssets.Models.HelloDeepa.RequirePath();
        var request = Request(temp, Item(model), Item(temp.Combine("missing.onnx")));

        var first = BuildRunner.Run(request);
        var built = Assert.Single(first.Models);
        Assert.Equal(("portable", "int8-weight", false), (built.Profile, built.Recipe, built.CacheHit));
        Assert.True(File.Exists(built.OutputPath));
        var error = Assert.Single(first.Diagnostics);
        Assert.Equal(("error", "MCB1001", temp.Combine("missing.onnx")), (error.Severity, error.Code, error.File));

        var bytes = File.ReadAllBytes(built.OutputPath);
        File.Delete(built.OutputPath);
        var second = BuildRunner.Run(request with { Models = [Item(model)] });
        Assert.True(second.Models[0].CacheHit);
        Assert.Equal(bytes, File.ReadAllBytes(second.Models[0].OutputPath));
        Assert.Equal(built.Sha256, second.Models[0].Sha256);
    }

    [Fact]
    public void Profiles_come_from_the_item_then_the_project_then_the_rid()
    {
        using var temp = new TempFolder("build-profiles");
        var model = TestAssets.Models.HelloDeepa.RequirePath();
        Assert.Equal("desktop-x64", BuildRunner.Run(Request(temp, Item(model)) with { RuntimeIdentifier = "linux-x64" }).Models[0].Profile);
        Assert.Equal("gpu", BuildRunner.Run(Request(temp, Item(model)) with { RuntimeIdentifier = "linux-x64", Profile = "gpu" }).Models[0].Profile);
        Assert.Equal("none", BuildRunner.Run(Request(temp, Item(model, profile: "none")) with { Profile = "gpu" }).Models[0].Profile);
    }

    [Fact]
    public void A_project_profile_builds_on_another_and_claims_its_rids()
    {
        using var temp = new TempFolder("build-custom");
        var request = Request(temp, Item(TestAssets.Models.HelloDeepa.RequirePath())) with
        {
            RuntimeIdentifier = "linux-arm64",
            Profiles = [new ProfileDefinition { Name = "kiosk", BasedOn = "portable", RuntimeIdentifiers = ["linux-arm64"], Options = new Dictionary<string, string> { ["Exclude"] = "Gemm" } }],
        };
        var built = Assert.Single(BuildRunner.Run(request).Models);
        Assert.Equal(("kiosk", "int8-weight"), (built.Profile, built.Recipe));
    }

    [Theory]
    [InlineData("tiny", "", "MCB2001")]
    [InlineData("", "int9", "MCB2002")]
    public void Bad_profiles_and_option_values_are_errors_on_the_project_file(string profile, string quantization, string code)
    {
        using var temp = new TempFolder("build-bad");
        var options = quantization.Length > 0 ? new Dictionary<string, string> { ["Quantization"] = quantization } : null;
        var response = BuildRunner.Run(Request(temp, Item(TestAssets.Models.HelloDeepa.RequirePath(), profile, options)));
        Assert.Empty(response.Models);
        var error = Assert.Single(response.Diagnostics);
        Assert.Equal((code, temp.Combine("App.csproj")), (error.Code, error.File));
        Assert.Empty(Directory.GetFiles(temp.Combine("out")));
    }

    [Fact]
    public void A_corrupt_model_fails_alone_with_its_code_and_leaves_no_output_or_cache_entry()
    {
        using var temp = new TempFolder("build-corrupt");
        var corrupt = temp.Combine("corrupt.onnx");
        var bytes = File.ReadAllBytes(TestAssets.Models.HelloDeepa.RequirePath());
        File.WriteAllBytes(corrupt, bytes[..(bytes.Length / 2)]);
        var response = BuildRunner.Run(Request(temp, Item(corrupt)));
        var error = Assert.Single(response.Diagnostics);
        Assert.Equal(("MCB1003", corrupt), (error.Code, error.File));
        Assert.Empty(Directory.GetFiles(temp.Combine("out")));
        Assert.False(Directory.Exists(temp.Combine("cache")) && Directory.EnumerateFiles(temp.Combine("cache"), "*", SearchOption.AllDirectories).Any());
    }

    [Fact]
    public void Metadata_that_is_no_recipe_option_is_one_MCB2003_warning_with_the_name_meant_and_the_model_still_builds()
    {
        using var temp = new TempFolder("build-unknown-option");
        var request = Request(temp, Item(TestAssets.Models.HelloDeepa.RequirePath(), options: new() { ["Quantisation"] = "fp16", ["Packing"] = "brotli" })) with
        {
            Profiles = [new ProfileDefinition { Name = "kiosk", BasedOn = "portable", Options = new Dictionary<string, string> { ["CalibrationData"] = "cal/" } }],
        };
        var response = BuildRunner.Run(request);
        var model = Assert.Single(response.Models);
        Assert.Equal("int8-weight + brotli", model.Recipe); // the profile's recipe, the known option applied, the typo ignored
        Assert.Equal(2, response.Diagnostics.Count);
        Assert.All(response.Diagnostics, d => Assert.Equal(("warning", EngineErrorCodes.UnknownOption, request.ProjectFile), (d.Severity, d.Code, d.File)));
        Assert.Contains(response.Diagnostics, d => d.Message.Contains("'Quantisation'") && d.Message.Contains("did you mean 'Quantization'"));
        Assert.Contains(response.Diagnostics, d => d.Message.Contains("ModelCompressionProfile item 'kiosk'") && d.Message.Contains("'CalibrationData'"));
    }

    [Fact]
    public void A_cache_hit_names_the_profile_this_build_chose()
    {
        // Without calibration data desktop-x64 (linux-x64) and edge plan the same fallback to int8-weight, so they
        // share a cache entry; portable plans int8-weight without a fallback (no warning to replay), another entry.
        using var temp = new TempFolder("build-cache-profile");
        var model = TestAssets.Models.HelloDeepa.RequirePath();
        var first = BuildRunner.Run(Request(temp, Item(model)) with { RuntimeIdentifier = "linux-x64" }).Models[0];
        Assert.Equal(("desktop-x64", false), (first.Profile, first.CacheHit));
        var second = BuildRunner.Run(Request(temp, Item(model)) with { Profile = "edge" });
        Assert.True(second.Models[0].CacheHit);
        Assert.Equal("edge", second.Models[0].Profile);
        Assert.Equal(EngineErrorCodes.NoCalibrationData, Assert.Single(second.Diagnostics).Code); // replayed from the entry
        Assert.False(BuildRunner.Run(Request(temp, Item(model))).Models[0].CacheHit);
    }

    [Fact]
    public async Task The_response_carries_fidelity_on_validation_data_macs_and_times()
    {
        using var temp = new TempFolder("build-fidelity");
        var validation = temp.CreateFolder("validation", "sample_0");
        await RealInputs.WriteAsync(TestAssets.Models.PaddleOcrClassifier.Name, validation);
        var item = Item(TestAssets.Models.PaddleOcrClassifier.RequirePath()) with { ValidationData = temp.Combine("validation") };

        var built = Assert.Single(BuildRunner.Run(Request(temp, item)).Models);
        var fidelity = Assert.IsType<Compression.Engine.Reporting.FidelityReport>(built.Result.Fidelity);
        Assert.StartsWith("validation data", fidelity.Inputs);
        Assert.Equal(1, fidelity.Samples);
        var scores = Assert.Single(fidelity.Outputs);
        Assert.Equal(1.0, scores.Top1Agreement); // the direction classifier keeps its decision under int8 weights
        Assert.True(scores.SqnrDb is > 30);
        Assert.True(built.Result.Macs > 0 && built.Result.WeightBytesRead > 0 && built.Result.CompressionMilliseconds > 0);
    }

    [Fact]
    public void A_model_the_executor_cannot_run_still_compresses_with_a_coded_warning()
    {
        using var temp = new TempFolder("build-unmeasured");
        var proto = TinyModels.Dense(16, 8);
        // Shrink: no executor kernel, and valid for ONNX Runtime on any shape (Det of the [1, 8] output was not, and the
        // ONNX Runtime check rightly refuses such a model with MCB2301).
        proto.Graph.Node.Add(TinyModels.Node("Shrink", ["y"], ["d"], "shrink"));
        proto.Graph.Output.Add(TinyModels.Float("d"));
        var path = temp.Combine("det.onnx");
        Compression.Onnx.Model.OnnxModel.FromProto(proto).Save(path);

        var response = BuildRunner.Run(Request(temp, Item(path)));
        Assert.Single(response.Models);
        var warning = Assert.Single(response.Diagnostics);
        Assert.Equal(("warning", EngineErrorCodes.FidelityNotMeasured, path), (warning.Severity, warning.Code, warning.File));
        Assert.Contains("Shrink", warning.Message);
        Assert.Null(response.Models[0].Result.Fidelity);
    }

    [Fact]
    public async Task An_item_budget_is_checked_on_its_validation_data_and_a_miss_is_MCB2201_on_the_model()
    {
        using var temp = new TempFolder("build-budget");
        var proto = Compression.Onnx.Model.OnnxModel.Load(TestAssets.Models.HelloDeepa.RequirePath()).Proto;
        foreach (var node in proto.Graph.Node) node.Name = ""; // nothing can be kept back by name
        var path = temp.Combine("unnamed.onnx");
        Compression.Onnx.Model.OnnxModel.FromProto(proto).Save(path);
        var validation = temp.CreateFolder("validation");
        await ModelInputs.GenerateAsync(path, validation, seed: 3);

        var fits = BuildRunner.Run(Request(temp, Item(path) with { ValidationData = validation, MinFidelityDb = "20" }));
        Assert.Single(fits.Models);
        Assert.DoesNotContain(fits.Diagnostics, d => d.Severity == "error");

        var missed = BuildRunner.Run(Request(temp, Item(path) with { ValidationData = validation, MinFidelityDb = "200" }));
        Assert.Empty(missed.Models);
        var error = Assert.Single(missed.Diagnostics);
        Assert.Equal(("error", EngineErrorCodes.BudgetExceeded, path), (error.Severity, error.Code, error.File));

        var bad = BuildRunner.Run(Request(temp, Item(path) with { ValidationData = validation, MaxAccuracyLoss = "-3" }));
        var badValue = Assert.Single(bad.Diagnostics);
        Assert.Equal(EngineErrorCodes.InvalidOptionValue, badValue.Code);
        Assert.Contains("MaxAccuracyLoss", badValue.Message);
    }
}

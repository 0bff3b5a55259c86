namespace Compression.Build.Tests.Integration;

/// <summary>
/// A device profile that wants static int8: the model with CalibrationData gets it, distilled layer-wise (the profiles'
/// default with data); the one without gets int8-weight and a warning with its code and file — never a silently bad model.
/// </summary>
[Collection(PackageCollection.Name)]
public sealed class StaticInt8BuildTests(PackageFixture package)
{
    [Fact]
    public async Task Calibration_data_gives_static_int8_and_its_absence_a_coded_warning_and_int8_weight()
    {
        using var app = new ConsumerProject(package).Write("""
            <ModelCompression Include="hello_deepa.onnx" CalibrationData="Data/calibration/" />
            <ModelCompression Include="Models/classifier.onnx" />
            """);
        var model = app.AddModel("hello_deepa.onnx");
        var classifier = app.AddModel("ch_ppocr_mobile_v2.0_cls_infer.onnx", "Models/classifier.onnx");
        for (var i = 0; i < 4; i++)
            await Compression.Testing.ModelInputs.GenerateAsync(model, Path.Combine(app.ProjectDirectory, "Data", "calibration", $"sample_{i}"), seed: i);

        var build = await app.RunAsync("build", "-r", "linux-x64");
        build.AssertSucceeded();
        var accessor = app.Accessor("linux-x64");
        Assert.Equal(("desktop-x64", "int8 + distill layerwise"), (ConsumerProject.Constant(accessor, "HelloDeepa", "Profile"), ConsumerProject.Constant(accessor, "HelloDeepa", "Recipe")));
        Assert.Equal(("desktop-x64", "int8-weight"), (ConsumerProject.Constant(accessor, "Classifier", "Profile"), ConsumerProject.Constant(accessor, "Classifier", "Recipe")));

        // Exactly one warning, MCB2102, on the classifier's file; the log line names both.
        var warnings = build.Warnings.Where(l => l.Contains("warning MCB", StringComparison.Ordinal)).ToList();
        var warning = Assert.Single(warnings);
        Assert.Contains("warning MCB2102", warning);
        Assert.Contains(classifier, warning);
        Assert.DoesNotContain(warnings, l => l.Contains("hello_deepa", StringComparison.Ordinal));

        // A second build is a no-op; the fallback stays visible in the build's report.
        var again = await app.RunAsync("build", "-r", "linux-x64");
        again.AssertSucceeded();
        Assert.Equal(0, again.EngineRuns);
        Assert.Contains("MCB2102", File.ReadAllText(Path.Combine(app.Obj("linux-x64"), "compression-report.md")));
    }
}

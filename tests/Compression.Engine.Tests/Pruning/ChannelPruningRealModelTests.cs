using Compression.Engine.Pipeline;
using Compression.Engine.Pruning.Structured;
using Compression.Engine.Recipes;
using Compression.Engine.Reporting;
using Compression.Onnx.Diagnostics;
using Compression.Onnx.Model;
using Compression.Testing;
using Xunit.Abstractions;

namespace Compression.Engine.Tests.Pruning;

/// <summary>
/// channels:0.3 on PaddleOCR's DB text detector (a real CNN with hard-swish, squeeze-and-excitation, residual Adds, a
/// Concat and a ConvTranspose head), judged by ONNX Runtime 1.30: the result runs, does fewer MACs, runs faster side by
/// side, and the least-squares refit brings back fidelity that pruning alone loses.
/// </summary>
public class ChannelPruningRealModelTests(ITestOutputHelper output)
{
    private const string Detector = "paddleocr-det";

    private static Recipe Channels(string value = "0.3", string scope = "layer") =>
        RecipeOptions.Apply(Recipe.Identity, new Dictionary<string, string> { ["Pruning"] = $"channels:{value}", ["PruningScope"] = scope });

    private static (string Path, PassReport Report, CompressionContext Context) Prune(string model, Recipe recipe, string? calibration, bool refit, string path, int threads = 2)
    {
        var context = new CompressionContext(OnnxModel.Load(model), recipe) { CalibrationData = calibration, Threads = threads };
        var report = new ChannelPruningPass(refit).Apply(context);
        OnnxModel.FromProto(context.Model).Save(path);
        return (path, report, context);
    }

    [Fact]
    public async Task Thirty_percent_of_the_detectors_channels_go_with_fewer_MACs_less_latency_and_a_refit_that_recovers_fidelity()
    {
        using var temp = new TempFolder("prune-channels");
        var original = TestAssets.Models.PaddleOcrDetector.RequirePath();
        var calibration = await RealDataSets.GetAsync(Detector, 16);
        var validation = await RealDataSets.GetAsync(Detector, 16, first: 16);

        var watch = System.Diagnostics.Stopwatch.StartNew();
        var (refit, report, _) = Prune(original, Channels(), calibration, refit: true, temp.Combine("refit.onnx"));
        var refitSeconds = watch.Elapsed.TotalSeconds;
        watch.Restart();
        var (plain, plainReport, _) = Prune(original, Channels(), calibration, refit: false, temp.Combine("plain.onnx"));
        var pruneSeconds = watch.Elapsed.TotalSeconds;
        output.WriteLine($"pruning only {pruneSeconds:F1} s, pruning + refit {refitSeconds:F1} s");
        foreach (var note in report.Notes) output.WriteLine(note);

        var inputs = temp.CreateFolder("inputs");
        var shape = await RealInputs.WriteAsync(Detector, inputs);
        var shapes = new Dictionary<string, int[]> { ["x"] = shape };
        var macsBefore = ModelInspection.Summarize(OnnxModel.Load(original), shapes).Macs;
        var macsAfter = ModelInspection.Summarize(OnnxModel.Load(refit), shapes).Macs;
        output.WriteLine($"MACs at [{string.Join(", ", shape)}]: {macsBefore:N0} -> {macsAfter:N0} ({(double)macsAfter / macsBefore:P1}); parameters {ModelInspection.Summarize(OnnxModel.Load(original)).Parameters:N0} -> {ModelInspection.Summarize(OnnxModel.Load(refit)).Parameters:N0}");
        Assert.True(macsAfter < macsBefore * 0.8, $"MACs {macsBefore:N0} -> {macsAfter:N0}");

        var withRefit = await Fidelity.OverDataSetAsync(original, refit, validation, temp.CreateFolder("fidelity-refit"));
        var withoutRefit = await Fidelity.OverDataSetAsync(original, plain, validation, temp.CreateFolder("fidelity-plain"));
        output.WriteLine($"SQNR on the validation set (ONNX Runtime): pruned {withoutRefit[0].SqnrDb:F2} dB, pruned + refit {withRefit[0].SqnrDb:F2} dB");
        Assert.True(withRefit[0].SqnrDb >= withoutRefit[0].SqnrDb + 3, $"refit {withRefit[0].SqnrDb:F2} dB vs {withoutRefit[0].SqnrDb:F2} dB");

        // Side by side, alternating, so a neighbour's load on the shared cores hits both alike. Printed, not asserted:
        // speed is measured, never a pass/fail bar in a unit test (a loaded CI machine once measured 5.8 → 6.4 ms);
        // the recorded figure (docs/pruning.md) is this output on a quiet machine. MACs above are the stable cost.
        var before = new List<double>();
        var after = new List<double>();
        for (var round = 0; round < 3; round++)
        {
            before.Add(await OnnxRuntimeOracle.MeasureLatencyAsync(original, inputs, 30));
            after.Add(await OnnxRuntimeOracle.MeasureLatencyAsync(refit, inputs, 30));
        }
        var (b, a) = (Median(before), Median(after));
        output.WriteLine($"ONNX Runtime latency (median of 3 medians of 30 runs, 1 thread): {b:F2} ms -> {a:F2} ms ({a / b:P0})");
    }

    [Fact]
    public async Task Pruning_and_int8_weight_together_run_in_onnx_runtime()
    {
        using var temp = new TempFolder("prune-int8");
        var original = TestAssets.Models.PaddleOcrDetector.RequirePath();
        var calibration = await RealDataSets.GetAsync(Detector, 16);
        var validation = await RealDataSets.GetAsync(Detector, 16, first: 16);
        var recipe = Channels() with { Quantization = QuantizationMode.Int8Weight };
        var result = ModelCompressor.Compress(original, temp.Combine("q.onnx"), "portable", recipe, validation, calibration, threads: 2);
        Assert.Equal(["fold-constants", "fold-batchnorm", "fold-constants", "remove-dead", "prune-channels", "int8-weight"], result.Passes.Select(p => p.Pass));
        var measured = await Fidelity.OverDataSetAsync(original, temp.Combine("q.onnx"), validation, temp.CreateFolder("fidelity"));
        output.WriteLine($"channels:0.3 + int8-weight: {result.OriginalBytes:N0} -> {result.CompressedBytes:N0} bytes ({result.Ratio:F2}x), SQNR {measured[0].SqnrDb:F2} dB");
        Assert.True(result.CompressedBytes * 4 < result.OriginalBytes, $"{result.OriginalBytes} -> {result.CompressedBytes}");
        Assert.True(measured[0].SqnrDb > 5, $"SQNR {measured[0].SqnrDb:F2} dB");
    }

    [Fact]
    public async Task One_and_two_threads_give_the_same_bytes()
    {
        using var temp = new TempFolder("prune-threads");
        var original = TestAssets.Models.PaddleOcrDetector.RequirePath();
        var calibration = await RealDataSets.GetAsync(Detector, 4);
        ModelCompressor.Compress(original, temp.Combine("one.onnx"), "portable", Channels(), calibrationData: calibration, threads: 1);
        ModelCompressor.Compress(original, temp.Combine("two.onnx"), "portable", Channels(), calibrationData: calibration, threads: 2);
        Assert.Equal(File.ReadAllBytes(temp.Combine("one.onnx")), File.ReadAllBytes(temp.Combine("two.onnx")));
    }

    [Theory]
    [InlineData("channels:-1")]
    [InlineData("channels:1.5")]
    [InlineData("channels:0")]
    [InlineData("channels:x")]
    public void A_fraction_outside_zero_to_one_is_refused_with_MCB2002(string value)
    {
        var e = Assert.Throws<CompressionException>(() => RecipeOptions.Apply(Recipe.Identity, new Dictionary<string, string> { ["Pruning"] = value }));
        Assert.Equal(EngineErrorCodes.InvalidOptionValue, e.Code);
        Assert.Contains("Pruning", e.Message);
    }

    [Fact]
    public void Without_calibration_data_nothing_is_refit_and_MCB2120_says_so()
    {
        using var temp = new TempFolder("prune-nodata");
        var result = ModelCompressor.Compress(TestAssets.Models.PaddleOcrDetector.RequirePath(), temp.Combine("p.onnx"), "portable", Channels());
        var warning = Assert.Single(result.Warnings);
        Assert.Equal(EngineErrorCodes.StructuredPruningWithoutRefit, warning.Code);
        Assert.Contains("filter L2 norms", result.Pass("prune-channels").Notes[0]);
    }

    private static double Median(List<double> values) => values.Order().ElementAt(values.Count / 2);
}

using System.Text.Json;
using Compression.Testing;

namespace Compression.Cli.Tests;

/// <summary>
/// `modelc compress` checks and times the compressed model in ONNX Runtime: the pinned version from the NuGet global
/// packages folder by default, another with --onnxruntime, none with --no-onnxruntime-check.
/// </summary>
public class OnnxRuntimeOptionTests
{
    [Fact]
    public void Compress_prints_the_runtime_line_and_the_report_has_positive_latencies()
    {
        using var temp = new TempFolder("cli-ort");
        var report = temp.Combine("report.json");
        var (code, stdout, stderr) = ModelcRunner.Run("compress", TestAssets.Models.BlazeFaceFront.RequirePath(), "-o", temp.Combine("out.onnx"), "--report", report);
        Assert.True(code == 0, stderr);
        Assert.Contains("ONNX Runtime 1.32.0 (pinned by Compression.Build 1.32.0, from the NuGet global packages folder) loaded and ran the compressed model; measured on the build machine: ", stdout, StringComparison.Ordinal);
        Assert.Contains($"{Environment.ProcessorCount} logical core", stdout, StringComparison.Ordinal);
        Assert.Contains("ONNX Runtime latency, original → compressed: ", stdout, StringComparison.Ordinal);

        using var json = JsonDocument.Parse(File.ReadAllText(report));
        var runtime = json.RootElement.GetProperty("onnxRuntime");
        Assert.Equal("1.32.0", runtime.GetProperty("version").GetString());
        Assert.True(runtime.GetProperty("checked").GetBoolean());
        var latency = runtime.GetProperty("latency");
        Assert.Equal(Environment.ProcessorCount, latency.GetProperty("threads").GetInt32());
        Assert.True(latency.GetProperty("runs").GetInt32() >= 3);
        foreach (var name in new[] { "originalMsOneThread", "compressedMsOneThread", "originalMsAllThreads", "compressedMsAllThreads" })
            Assert.True(latency.GetProperty(name).GetDouble() > 0, name);
    }

    [Fact]
    public void No_onnxruntime_check_says_so_and_measures_nothing()
    {
        using var temp = new TempFolder("cli-ort-off");
        var report = temp.Combine("report.json");
        var (code, stdout, stderr) = ModelcRunner.Run("compress", TestAssets.Models.HelloDeepa.RequirePath(), "-o", temp.Combine("out.onnx"), "--report", report, "--no-onnxruntime-check");
        Assert.True(code == 0, stderr);
        Assert.Contains("ONNX Runtime check turned off (--no-onnxruntime-check)", stdout, StringComparison.Ordinal);
        using var json = JsonDocument.Parse(File.ReadAllText(report));
        var runtime = json.RootElement.GetProperty("onnxRuntime");
        Assert.False(runtime.GetProperty("checked").GetBoolean());
        Assert.Equal(JsonValueKind.Null, runtime.GetProperty("latency").ValueKind);
    }

    [Fact]
    public void An_onnxruntime_path_without_a_library_skips_the_check_with_MCB2302()
    {
        using var temp = new TempFolder("cli-ort-missing");
        var output = temp.Combine("out.onnx");
        var (code, stdout, stderr) = ModelcRunner.Run("compress", TestAssets.Models.HelloDeepa.RequirePath(), "-o", output, "--onnxruntime", temp.Combine("no-such-folder"));
        Assert.True(code == 0, stderr);
        Assert.Contains("warning MCB2302: the ONNX Runtime check was skipped: --onnxruntime ", stderr, StringComparison.Ordinal);
        Assert.Contains("ONNX Runtime check skipped: ", stdout, StringComparison.Ordinal);
        Assert.True(File.Exists(output));
    }

    [Fact]
    public void A_model_onnx_runtime_refuses_is_MCB2301_and_nothing_is_written()
    {
        using var temp = new TempFolder("cli-ort-refused");
        var input = temp.Combine("refused.onnx");
        TinyModels.RefusedByOnnxRuntime(TestAssets.Models.HelloDeepa.RequirePath(), input);
        var output = temp.Combine("out.onnx");

        var (code, _, stderr) = ModelcRunner.Run("compress", input, "-o", output);

        Assert.Equal(2, code);
        Assert.StartsWith($"{input}: error MCB2301: ONNX Runtime 1.32.0 (", stderr, StringComparison.Ordinal);
        Assert.Contains(TinyModels.UnknownAttribute, stderr, StringComparison.Ordinal);
        Assert.False(File.Exists(output));
    }

    [Fact]
    public void Help_lists_the_onnx_runtime_options()
    {
        var (_, stdout, _) = ModelcRunner.Run("compress", "--help");
        Assert.Contains("--onnxruntime", stdout, StringComparison.Ordinal);
        Assert.Contains("--no-onnxruntime-check", stdout, StringComparison.Ordinal);
        Assert.Contains("MODELC_ONNXRUNTIME", stdout, StringComparison.Ordinal);
    }
}

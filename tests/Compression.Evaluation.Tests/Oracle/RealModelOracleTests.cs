using System.Text.Json;
using Compression.Testing;

namespace Compression.Evaluation.Tests.Oracle;

/// <summary>ONNX Runtime, through the oracle script, runs every real model and produces usable outputs.</summary>
public sealed class RealModelOracleTests
{
    // numpy reads back what the oracle wrote: proves the .npy writer against the reference reader as well.
    private const string InspectOutputsScript = """
        import json, sys
        import numpy as np
        result = []
        for path in sys.argv[1:]:
            a = np.load(path)
            result.append({"shape": list(a.shape), "dtype": str(a.dtype), "finite": bool(np.isfinite(a).all()) if a.dtype.kind == "f" else True})
        print(json.dumps(result))
        """;

    [Theory]
    [MemberData(nameof(TestAssets.RealModelNames), MemberType = typeof(TestAssets))]
    public async Task Oracle_runs_real_model_and_writes_one_finite_npy_per_graph_output(string name)
    {
        var model = TestAssets.RealModel(name).RequirePath();
        using var temp = new TempFolder("oracle-real");
        var inputs = temp.CreateFolder("inputs");
        var signature = await ModelInputs.GenerateAsync(model, inputs, seed: 1);

        var result = await OnnxRuntimeOracle.RunAsync(model, inputs, temp.Combine("outputs"));

        Assert.Equal(signature.OutputNames, result.Outputs.Select(o => o.Name));
        Assert.Equal(
            Enumerable.Range(0, signature.OutputNames.Count).Select(i => $"output_{i}.npy"),
            result.Outputs.Select(o => Path.GetFileName(o.Path)));
        Assert.True(result.RunMilliseconds > 0);

        var inspected = JsonDocument.Parse(await Python.RunAsync(InspectOutputsScript, [.. result.OutputFiles])).RootElement;
        Assert.Equal(result.Outputs.Count, inspected.GetArrayLength());
        foreach (var (output, actual) in result.Outputs.Zip(inspected.EnumerateArray()))
        {
            Assert.Equal(output.Shape, actual.GetProperty("shape").EnumerateArray().Select(d => d.GetInt64()));
            Assert.Equal(output.DType, actual.GetProperty("dtype").GetString());
            Assert.True(actual.GetProperty("finite").GetBoolean(), $"{name}: output '{output.Name}' has NaN or infinity");
            Assert.All(output.Shape, d => Assert.True(d > 0));
        }
    }

    [Fact]
    public async Task Same_inputs_give_identical_output_bytes_on_a_second_run()
    {
        var model = TestAssets.Models.HelloDeepa.RequirePath();
        using var temp = new TempFolder("oracle-repeat");
        var inputs = temp.CreateFolder("inputs");
        await ModelInputs.GenerateAsync(model, inputs, seed: 7);

        var first = await OnnxRuntimeOracle.RunAsync(model, inputs, temp.Combine("a"));
        var second = await OnnxRuntimeOracle.RunAsync(model, inputs, temp.Combine("b"));

        // Same session options, same inputs: ORT's CPU kernels are deterministic, so the oracle must be too.
        Assert.Equal(File.ReadAllBytes(first.OutputFiles[0]), File.ReadAllBytes(second.OutputFiles[0]));
    }

    [Fact]
    public async Task Latency_mode_reports_a_positive_median()
    {
        var model = TestAssets.Models.BlazeFaceFront.RequirePath();
        using var temp = new TempFolder("oracle-latency");
        var inputs = temp.CreateFolder("inputs");
        await ModelInputs.GenerateAsync(model, inputs);

        var median = await OnnxRuntimeOracle.MeasureLatencyAsync(model, inputs, iterations: 5, warmup: 1);

        Assert.InRange(median, 0.001, 10_000);
    }

    [Fact]
    public async Task Optimized_model_out_saves_a_model_that_onnx_can_load()
    {
        var model = TestAssets.Models.PaddleOcrClassifier.RequirePath();
        using var temp = new TempFolder("oracle-optimized");
        var inputs = temp.CreateFolder("inputs");
        await ModelInputs.GenerateAsync(model, inputs);
        var optimized = temp.Combine("optimized.onnx");

        await OnnxRuntimeOracle.RunAsync(model, inputs, temp.Combine("outputs"), new OracleOptions { OptimizedModelOut = optimized, Optimization = "basic" });

        var nodes = await Python.RunAsync("import onnx, sys; print(len(onnx.load(sys.argv[1]).graph.node))", optimized);
        Assert.True(int.Parse(nodes.Trim(), System.Globalization.CultureInfo.InvariantCulture) > 0);
    }
}

using Compression.Engine.Pipeline;
using Compression.Engine.Recipes;
using Compression.Onnx.Model;
using Compression.Onnx.Protobuf;
using Compression.Testing;
using Xunit.Abstractions;
using static Compression.Engine.Tests.Quantization.QuantizedModelRuns;

namespace Compression.Engine.Tests.Quantization;

/// <summary>
/// Dynamic int8 on the real models, judged by ONNX Runtime 1.30: every MatMul/Gemm we rewrite runs as its fused
/// integer kernel (DynamicQuantizeMatMul or MatMulIntegerToFloat), every Conv as ConvInteger, outputs stay within bars
/// set from measurement, the executor's report agrees with ONNX Runtime, and the bytes do not depend on threads.
/// </summary>
public class DynamicInt8PassTests(ITestOutputHelper output)
{
    private static readonly Recipe Dynamic = Recipe(("Quantization", "int8-dynamic"));

    /// <summary>
    /// SQNR floors in dB over the validation set (ONNX Runtime's outputs against the original's), measured 2026-11-22
    /// (docs/quantization.md, "Dynamic int8"; worst output: classifier 53.2, detector 12.3, BlazeFace front 21.3,
    /// back 8.9, wake word 57.9): each about 3 dB under it, so rounding noise passes and a wrong scale, axis or zero
    /// point (20 dB and more) fails. The detector and BlazeFace back lose most: one activation scale per tensor, set
    /// from each run's own range, is dominated by a few wide channels, as in static int8.
    /// </summary>
    public static TheoryData<string, double> Floors() => new()
    {
        { "paddleocr-cls", 50 },
        { "paddleocr-det", 9 },
        { "blazeface-front", 18 },
        { "blazeface-back", 6 },
        { "hello-deepa", 55 },
    };

    [Theory]
    [MemberData(nameof(Floors))]
    public async Task Onnx_runtime_runs_the_integer_kernels_and_outputs_stay_above_their_floor(string name, double floorDb)
    {
        using var temp = new TempFolder("int8-dynamic");
        var (original, compressed, result, validation) = await CompressAsync(name, Dynamic, temp);
        Assert.Equal("int8-dynamic", result.Recipe);
        var ours = Operators(compressed);
        var ort = await OptimizedOperatorsAsync(compressed, name, temp);
        output.WriteLine($"{name}: ours {Histogram(ours)}");
        output.WriteLine($"{name}: ONNX Runtime {Histogram(ort)}");
        Assert.True(ours.GetValueOrDefault("MatMulInteger") + ours.GetValueOrDefault("ConvInteger") > 0);
        // Every MatMulInteger we write is fused with its Cast, Mul and bias Add; every ConvInteger runs as itself.
        Assert.Equal(ours.GetValueOrDefault("MatMulInteger"), ort.GetValueOrDefault("DynamicQuantizeMatMul") + ort.GetValueOrDefault("MatMulIntegerToFloat"));
        Assert.Equal(ours.GetValueOrDefault("ConvInteger"), ort.GetValueOrDefault("ConvInteger"));
        Assert.Equal(0, ort.GetValueOrDefault("MatMulInteger"));

        var measured = await Fidelity.OverDataSetAsync(original, compressed, validation, temp.CreateFolder("fidelity"));
        var executor = Assert.IsType<Compression.Engine.Reporting.FidelityReport>(result.Fidelity);
        var pass = result.Pass("int8-dynamic");
        output.WriteLine($"{name}: weights {(double)pass.BytesBefore / pass.BytesAfter:F2}x; ONNX Runtime {string.Join(", ", measured.Select(m => $"{m.SqnrDb:F1} dB"))}; executor {string.Join(", ", executor.Outputs.Select(o => $"{o.SqnrDb:F1} dB"))}");
        Assert.All(measured, m => Assert.True(m.SqnrDb >= floorDb, $"SQNR {m.SqnrDb:F1} dB under the {floorDb} dB floor"));
        // The executor runs the same integer arithmetic; a value on a rounding boundary of DynamicQuantizeLinear may
        // land one step apart, so 2 dB is the margin.
        foreach (var (runtime, report) in measured.Zip(executor.Outputs))
            Assert.True(Math.Abs(runtime.SqnrDb - report.SqnrDb!.Value) <= 2, $"executor {report.SqnrDb:F1} dB vs ONNX Runtime {runtime.SqnrDb:F1} dB");
    }

    [Fact]
    public void One_and_two_threads_and_a_second_run_give_the_same_bytes()
    {
        using var temp = new TempFolder("int8-dynamic-threads");
        var path = TestAssets.Models.PaddleOcrClassifier.RequirePath();
        ModelCompressor.Compress(path, temp.Combine("one.onnx"), "portable", Dynamic, threads: 1);
        ModelCompressor.Compress(path, temp.Combine("two.onnx"), "portable", Dynamic, threads: 2);
        ModelCompressor.Compress(path, temp.Combine("again.onnx"), "portable", Dynamic, threads: 2);
        Assert.Equal(File.ReadAllBytes(temp.Combine("one.onnx")), File.ReadAllBytes(temp.Combine("two.onnx")));
        Assert.Equal(File.ReadAllBytes(temp.Combine("two.onnx")), File.ReadAllBytes(temp.Combine("again.onnx")));
    }

    [Fact]
    public async Task A_gemm_with_transB_becomes_one_fused_kernel_with_its_weight_transposed()
    {
        using var temp = new TempFolder("int8-dynamic-gemm");
        var model = GemmTransB();
        var (ours, ort, sqnr) = await CompressTinyAsync(model, Dynamic, temp);
        Assert.Equal(1, ours.GetValueOrDefault("MatMulInteger"));
        Assert.Equal(0, ours.GetValueOrDefault("Gemm"));
        Assert.Equal(1, ort.GetValueOrDefault("DynamicQuantizeMatMul"));
        // 8-bit activations and weights over K = 96: about 6 dB a bit, less the accumulation; measured 38 dB.
        Assert.True(sqnr >= 30, $"SQNR {sqnr:F1} dB");
    }

    [Fact]
    public async Task A_matmul_over_a_batch_of_rows_becomes_one_fused_kernel()
    {
        using var temp = new TempFolder("int8-dynamic-batch");
        var model = BatchedMatMul();
        var (ours, ort, sqnr) = await CompressTinyAsync(model, Dynamic, temp);
        Assert.Equal(1, ours.GetValueOrDefault("MatMulInteger"));
        Assert.Equal(1, ort.GetValueOrDefault("DynamicQuantizeMatMul"));
        Assert.True(sqnr >= 30, $"SQNR {sqnr:F1} dB");
    }

    [Fact]
    public void A_model_that_cannot_reach_opset_11_warns_MCB2104_and_quantizes_the_weights_only()
    {
        using var temp = new TempFolder("int8-dynamic-opset");
        var path = UnconvertibleModel(temp);

        var result = ModelCompressor.Compress(path, temp.Combine("q.onnx"), "portable", Dynamic);
        var warning = Assert.Single(result.Warnings);
        Assert.Equal(EngineErrorCodes.DynamicInt8Unavailable, warning.Code);
        Assert.Contains("Upsample", warning.Message);
        Assert.Equal("int8-weight", result.Recipe);
        Assert.Equal(9, OnnxModel.Load(temp.Combine("q.onnx")).Proto.OpsetImport[0].Version);
    }
}

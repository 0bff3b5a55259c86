using Compression.Engine.Pipeline;
using Compression.Engine.Recipes;
using Compression.Onnx.DataFiles;
using Compression.Onnx.Editing;
using Compression.Onnx.Model;
using Compression.Onnx.Protobuf;
using Compression.Onnx.Tensors;
using Compression.Testing;
using Xunit.Abstractions;
using DataType = Compression.Onnx.Protobuf.TensorProto.Types.DataType;

namespace Compression.Engine.Tests.Quantization;

/// <summary>fp16 on the real models, judged by ONNX Runtime 1.30 on real inputs.</summary>
public class Fp16PassTests
{
    private readonly ITestOutputHelper _output;

    public Fp16PassTests(ITestOutputHelper output) => _output = output;

    [Theory]
    [MemberData(nameof(TestAssets.RealModelNames), MemberType = typeof(TestAssets))]
    public async Task Fp16_models_run_in_onnx_runtime_with_float32_edges_and_half_the_weight_bytes(string name)
    {
        using var temp = new TempFolder("fp16");
        var original = TestAssets.RealModel(name).RequirePath();
        var compressed = temp.Combine("model.onnx");
        var result = ModelCompressor.Compress(new CompressionRequest(original, compressed, "gpu"));
        var pass = Assert.Single(result.Passes);
        Assert.True((double)pass.BytesBefore / pass.BytesAfter >= 1.95);

        var model = OnnxModel.Load(compressed).Proto;
        Assert.All(model.Graph.Input.Concat(model.Graph.Output), v => Assert.Equal((int)DataType.Float, v.Type.TensorType.ElemType));
        Assert.DoesNotContain(model.Graph.Initializer, t => t.DataType == (int)DataType.Float && t.Dims.Aggregate(1L, (a, d) => a * d) > 16);

        var inputs = temp.CreateFolder("inputs");
        await RealInputs.WriteAsync(name, inputs);
        var reference = await OnnxRuntimeOracle.RunAsync(original, inputs, temp.Combine("reference"));
        var actual = await OnnxRuntimeOracle.RunAsync(compressed, inputs, temp.Combine("actual"));
        var sqnr = Fidelity.SqnrDb(reference, actual);
        _output.WriteLine($"{name}: weights {(double)pass.BytesBefore / pass.BytesAfter:F2}x smaller; SQNR {string.Join(", ", sqnr.Select(s => $"{s:F1} dB"))}");
        // fp16 keeps 11 significant bits, about 66 dB for one rounding; through a network's accumulated roundings
        // the real models measured 48 to 200 dB on real inputs (2026-11-22; the detector lowest). 35 dB catches real
        // regressions (a value flushed to zero, an overflow to infinity) with room for float noise.
        Assert.All(sqnr, s => Assert.True(s >= 35, $"SQNR {s:F1} dB"));

        // The build's own measurement runs the fp16 model on the executor (float32 kernels widen fp16 and round once).
        var measured = Assert.IsType<Compression.Engine.Reporting.FidelityReport>(result.Fidelity);
        Assert.All(measured.Outputs, o => Assert.True(o.SqnrDb is > 25, $"{o.Output}: executor-measured SQNR {o.SqnrDb:F1} dB"));
    }

    [Fact]
    public async Task Integer_inputs_gather_indices_and_shape_operands_stay_integer_while_the_float_path_becomes_fp16()
    {
        using var temp = new TempFolder("fp16-integers");
        var original = temp.Combine("embedding.onnx");
        OnnxModel.FromProto(TinyModels.EmbeddingLookup()).Save(original);
        var compressed = temp.Combine("fp16.onnx");
        ModelCompressor.Compress(new CompressionRequest(original, compressed, "gpu"));

        var graph = OnnxModel.Load(compressed).Graph;
        Assert.Equal((int)DataType.Int64, graph.Input.Single(i => i.Name == "ids").Type.TensorType.ElemType);
        Assert.Equal((int)DataType.Int64, graph.Output.Single(o => o.Name == "positions").Type.TensorType.ElemType);
        Assert.Equal((int)DataType.Float16, graph.Initializer.Single(t => t.Name == "table").DataType);
        Assert.All(graph.Initializer.Where(t => t.Name != "table"), t => Assert.Equal((int)DataType.Int64, t.DataType));
        // The lookup reads the graph input itself, and no Cast touches an integer value.
        Assert.Equal("ids", graph.Node.Single(n => n.OpType == "Gather" && n.Input[0] == "table").Input[1]);
        var integers = new HashSet<string>(["ids", "ids_shape", "one", "positions", "positions_1d", "batch", "axes", "width", "flat", "features", "shape"]);
        Assert.DoesNotContain(graph.Node, n => n.OpType == "Cast" && (integers.Contains(n.Input[0]) || integers.Contains(n.Output[0])));
        Assert.Contains(graph.Node, n => n.OpType == "Cast" && n.Input[0] == "x");

        var inputs = temp.CreateFolder("inputs");
        await ModelInputs.GenerateAsync(original, inputs);
        var reference = await OnnxRuntimeOracle.RunAsync(original, inputs, temp.Combine("reference"));
        var actual = await OnnxRuntimeOracle.RunAsync(compressed, inputs, temp.Combine("actual"));
        Assert.Equal("int64", actual.Outputs[1].DType);
        Assert.Equal(TensorData.Read<long>(NpyFile.Read(reference.Outputs[1].Path)), TensorData.Read<long>(NpyFile.Read(actual.Outputs[1].Path)));
        // One fp16 rounding of the table and of x, one of their sum: about 60 dB; 45 leaves room and fails a wrong lookup.
        var sqnr = Fidelity.SqnrDb(TensorData.ReadAsFloat(NpyFile.Read(reference.Outputs[0].Path)), TensorData.ReadAsFloat(NpyFile.Read(actual.Outputs[0].Path)));
        Assert.True(sqnr >= 45, $"SQNR {sqnr:F1} dB");
    }

    [Fact]
    public async Task The_minilm_sentence_encoder_in_fp16_keeps_its_int64_token_inputs_runs_in_onnx_runtime_and_stays_faithful()
    {
        using var temp = new TempFolder("fp16-minilm");
        var encoder = TestAssets.Models.MiniLm;
        var original = encoder.RequirePath();
        var calibration = SentenceDataSets.Write(encoder, temp.CreateFolder("calibration"), 8);
        var validation = SentenceDataSets.Write(encoder, temp.CreateFolder("validation"), 8, first: 8);
        var compressed = temp.Combine("model.onnx");
        var result = ModelCompressor.Compress(new CompressionRequest(original, compressed, "gpu") { CalibrationData = calibration });
        var pass = Assert.Single(result.Passes);
        Assert.True((double)pass.BytesBefore / pass.BytesAfter >= 1.95);
        Assert.True(result.Ratio >= 1.95, $"file {result.Ratio:F2}x smaller");

        var model = OnnxModel.Load(compressed).Proto;
        Assert.All(model.Graph.Input, v => Assert.Equal((int)DataType.Int64, v.Type.TensorType.ElemType));
        Assert.All(model.Graph.Output, v => Assert.Equal((int)DataType.Float, v.Type.TensorType.ElemType));
        var inputs = model.Graph.Input.Select(i => i.Name).ToHashSet(StringComparer.Ordinal);
        Assert.DoesNotContain(model.Graph.Node, n => n.OpType == "Cast" && inputs.Contains(n.Input[0]) && n.GetInt("to", 0) == (long)DataType.Float16);

        var fidelity = await Fidelity.OverDataSetAsync(original, compressed, validation, temp.CreateFolder("ort"));
        _output.WriteLine($"minilm: file {result.Ratio:F2}x smaller; SQNR over 8 sentences {string.Join(", ", fidelity.Select(f => $"{f.SqnrDb:F1} dB"))}; {string.Join(" ", pass.Notes.Take(2))}");
        // As for the other real models: fp16's 11 bits give about 66 dB a rounding; 35 dB catches a flushed or
        // overflowed value (measured 59-63 dB on one sentence before the test was written).
        Assert.All(fidelity, f => Assert.True(f.SqnrDb >= 35, $"SQNR {f.SqnrDb:F1} dB"));
    }

    [Fact]
    public async Task A_constant_beyond_the_fp16_range_keeps_its_node_in_float32_and_the_output_finite()
    {
        // y = (x · 1e6) · 1e-6 + x: the 1e6 would overflow fp16 to infinity.
        using var temp = new TempFolder("fp16-overflow");
        var graph = new GraphProto
        {
            Name = "overflow",
            Input = { TinyModels.Float("x", 1, 8) },
            Output = { TinyModels.Float("y", 1, 8) },
            Initializer = { TinyModels.FloatTensor("big", [1], [1e6f]), TinyModels.FloatTensor("small", [1], [1e-6f]) },
            Node =
            {
                TinyModels.Node("Mul", ["x", "big"], ["scaled"], "scale_up"),
                TinyModels.Node("Mul", ["scaled", "small"], ["back"], "scale_down"),
                TinyModels.Node("Add", ["back", "x"], ["y"], "add"),
            },
        };
        var original = temp.Combine("overflow.onnx");
        OnnxModel.FromProto(TinyModels.Model(graph)).Save(original);
        var compressed = temp.Combine("fp16.onnx");
        var result = ModelCompressor.Compress(new CompressionRequest(original, compressed, "gpu"));
        Assert.Contains(result.Passes[0].Notes, n => n.Contains("scale_up") && n.Contains("float32"));
        Assert.Equal((int)DataType.Float, OnnxModel.Load(compressed).Graph.Initializer.Single(t => t.Name == "big").DataType);

        var inputs = temp.CreateFolder("inputs");
        NpyFile.Write(Path.Combine(inputs, "input_0.npy"), TensorData.Create("x", [1, 8], (ReadOnlySpan<float>)[1, 2, 3, 4, 0.5f, -1, -2, 8]));
        var run = await OnnxRuntimeOracle.RunAsync(compressed, inputs, temp.Combine("out"));
        var y = TensorData.ReadAsFloat(NpyFile.Read(run.Outputs[0].Path));
        Assert.All(y, v => Assert.True(float.IsFinite(v)));
        Assert.Equal(4f, y[1], 0.05f); // 2·1e6·1e-6 + 2
    }

    [Fact]
    public async Task An_activation_that_overflows_fp16_is_kept_float32_by_the_calibration_block_list()
    {
        // y = x · 300 · 300 / 300 / 300: every constant fits fp16, but the middle activation reaches 9e5 on these inputs.
        using var temp = new TempFolder("fp16-activation-overflow");
        var graph = new GraphProto
        {
            Name = "activation_overflow",
            Input = { TinyModels.Float("x", 1, 8) },
            Output = { TinyModels.Float("y", 1, 8) },
            Initializer = { TinyModels.FloatTensor("k", [1], [300f]) },
            Node =
            {
                TinyModels.Node("Mul", ["x", "k"], ["a"], "first"),
                TinyModels.Node("Mul", ["a", "k"], ["b"], "second"),
                TinyModels.Node("Div", ["b", "k"], ["c"], "third"),
                TinyModels.Node("Div", ["c", "k"], ["y"], "fourth"),
            },
        };
        var original = temp.Combine("overflow.onnx");
        OnnxModel.FromProto(TinyModels.Model(graph)).Save(original);
        var inputs = temp.CreateFolder("inputs");
        NpyFile.Write(Path.Combine(inputs, "input_0.npy"), TensorData.Create("x", [1, 8], (ReadOnlySpan<float>)[1, 2, 3, 4, 0.5f, -1, -2, 10]));
        var calibration = temp.CreateFolder("calibration");
        File.Copy(Path.Combine(inputs, "input_0.npy"), Path.Combine(calibration, "input_0.npy"));
        var recipe = RecipeOptions.Apply(Recipe.Identity, new Dictionary<string, string> { ["Quantization"] = "fp16" });

        var plain = temp.Combine("plain.onnx");
        var plainResult = ModelCompressor.Compress(original, plain, "gpu", recipe);
        Assert.Contains(plainResult.Passes[0].Notes, n => n.Contains("no CalibrationData"));
        var safe = temp.Combine("safe.onnx");
        var safeResult = ModelCompressor.Compress(original, safe, "gpu", recipe, calibrationData: calibration);
        Assert.Contains(safeResult.Passes[0].Notes, n => n.StartsWith("1 activation(s) reached", StringComparison.Ordinal) && n.EndsWith(": b", StringComparison.Ordinal));
        Assert.Contains(safeResult.Passes[0].Notes, n => n == "Mul 'second' stays float32");
        Assert.Contains(safeResult.Passes[0].Notes, n => n == "Div 'third' stays float32");
        Assert.DoesNotContain(safeResult.Passes[0].Notes, n => n.Contains("'first'") || n.Contains("'fourth'"));

        // The graph as written rounds every fp16 value to fp16, as a GPU does: the executor runs it that way. ONNX
        // Runtime's CPU provider has no fp16 Mul/Div and computes a run of them in float between one pair of Casts, so
        // on this machine it cannot show the overflow; it is the judge of the safe model's values.
        float[] Executor(string model)
        {
            var x = Compression.Evaluation.Tensors.TensorConversion.FromProto(NpyFile.Read(Path.Combine(inputs, "input_0.npy")));
            var y = new Compression.Evaluation.Execution.ModelExecutor(OnnxModel.Load(model)).Run(new Dictionary<string, Compression.Evaluation.Tensors.Tensor> { ["x"] = x })["y"];
            return y.ReadOnlySpan<float>().ToArray();
        }
        Assert.Contains(Executor(plain), v => !float.IsFinite(v));
        Assert.All(Executor(safe), v => Assert.True(float.IsFinite(v)));
        var reference = TensorData.ReadAsFloat(NpyFile.Read((await OnnxRuntimeOracle.RunAsync(original, inputs, temp.Combine("ref"))).Outputs[0].Path));
        var safeOut = TensorData.ReadAsFloat(NpyFile.Read((await OnnxRuntimeOracle.RunAsync(safe, inputs, temp.Combine("safe-out"))).Outputs[0].Path));
        Assert.All(reference.Zip(safeOut), p => Assert.Equal(p.First, p.Second, Math.Abs(p.First) * 2e-3 + 1e-3));
    }
}

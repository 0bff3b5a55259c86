using Compression.Engine.Pipeline;
using Compression.Onnx.Model;
using Compression.Onnx.DataFiles;
using Compression.Onnx.Protobuf;
using Compression.Onnx.Tensors;
using Compression.Testing;
using Xunit.Abstractions;

namespace Compression.Engine.Tests.Quantization;

/// <summary>int8-weight on the real models, judged by ONNX Runtime 1.30 on real inputs.</summary>
public class Int8WeightPassTests
{
    private readonly ITestOutputHelper _output;

    public Int8WeightPassTests(ITestOutputHelper output) => _output = output;

    /// <summary>
    /// The SQNR floor each model's outputs must keep, in dB, set from measurement on the real inputs (2026-11-22:
    /// PaddleOCR classifier 184 dB — its softmax saturates, so the class never changes; detector 28.8 dB; BlazeFace
    /// front 36.2/14.1/30.8/26.6 dB, the 14.1 being the anchor-score logits, the largest-magnitude output; BlazeFace back
    /// 20.1/25.0/23.3/28.3 dB; wake word 74.3 dB). Each floor sits about 3 dB under the worst output, so float noise
    /// passes and a real regression (a wrong channel axis or scale costs 20 dB and more) fails.
    /// </summary>
    public const double MinWeightRatio = 3.8;

    public static TheoryData<string, double> Floors() => new()
    {
        { "paddleocr-cls", 60 },
        { "paddleocr-det", 25 },
        { "blazeface-front", 11 },
        { "blazeface-back", 17 },
        { "hello-deepa", 60 },
    };

    [Theory]
    [MemberData(nameof(Floors))]
    public async Task Int8_weight_models_run_in_onnx_runtime_faithful_and_four_times_smaller(string name, double floorDb)
    {
        using var temp = new TempFolder("int8-weight");
        var original = TestAssets.RealModel(name).RequirePath();
        var compressed = temp.Combine("model.onnx");
        var result = ModelCompressor.Compress(new CompressionRequest(original, compressed, "portable"));

        var pass = Assert.Single(result.Passes);
        Assert.True(pass.TensorsChanged > 0);
        var ratio = (double)pass.BytesBefore / pass.BytesAfter;
        // Per-channel scales cost 2 bytes a channel (float16, rounded up so no weight clips; nearly dead channels use
        // float16's subnormals rather than forcing float32 scales on their whole tensor): a layer with K weights per
        // channel shrinks 4K / (K + 2), 3.27x for depthwise 3x3 layers, so BlazeFace's mix lands just above 3.8x.
        Assert.True(ratio >= MinWeightRatio, $"quantized weights shrank {ratio:F3}x, scales included");

        var inputs = temp.CreateFolder("inputs");
        await RealInputs.WriteAsync(name, inputs);
        var reference = await OnnxRuntimeOracle.RunAsync(original, inputs, temp.Combine("reference"));
        var actual = await OnnxRuntimeOracle.RunAsync(compressed, inputs, temp.Combine("actual"));
        var sqnr = Fidelity.SqnrDb(reference, actual);
        _output.WriteLine($"{name}: weights {ratio:F2}x smaller, file {result.Ratio:F2}x; SQNR {string.Join(", ", sqnr.Select(s => $"{s:F1} dB"))}");
        Assert.All(sqnr, s => Assert.True(s >= floorDb, $"SQNR {s:F1} dB under the {floorDb} dB floor"));
    }

    [Theory]
    [InlineData("hello-deepa", "DequantizeLinear")]
    [InlineData("paddleocr-cls", "Cast")]
    [InlineData("blazeface-front", "Cast")]
    public void The_dequantization_form_follows_the_opset_which_is_never_raised(string name, string form)
    {
        using var temp = new TempFolder("int8-form");
        var original = OnnxModel.Load(TestAssets.RealModel(name).RequirePath());
        var compressed = temp.Combine("model.onnx");
        ModelCompressor.Compress(new CompressionRequest(original.SourcePath!, compressed, "portable"));
        var model = OnnxModel.Load(compressed).Proto;
        Assert.Equal(original.Proto.OpsetImport, model.OpsetImport);
        Assert.Contains(model.Graph.Node, n => n.OpType == form);
        if (form != "DequantizeLinear") Assert.DoesNotContain(model.Graph.Node, n => n.OpType == "DequantizeLinear");
        Assert.Contains(model.Graph.Initializer, t => t.DataType == (int)TensorProto.Types.DataType.Int8);
    }

    [Fact]
    public void Constant_node_weights_are_quantized_like_initializers()
    {
        // The PaddleOCR classifier (opset 9) keeps every weight in a Constant node.
        using var temp = new TempFolder("int8-constants");
        var path = TestAssets.Models.PaddleOcrClassifier.RequirePath();
        var before = OnnxModel.Load(path).Graph.Node.Count(n => n.OpType == "Constant");
        var compressed = temp.Combine("model.onnx");
        var result = ModelCompressor.Compress(new CompressionRequest(path, compressed, "portable"));
        var after = OnnxModel.Load(compressed).Graph.Node.Count(n => n.OpType == "Constant");
        Assert.Equal(before - result.Passes[0].TensorsChanged, after);
        Assert.True(result.Passes[0].TensorsChanged >= 50);
    }

    [Fact]
    public void The_same_model_compresses_to_the_same_bytes()
    {
        using var temp = new TempFolder("int8-determinism");
        var path = TestAssets.Models.BlazeFaceFront.RequirePath();
        ModelCompressor.Compress(new CompressionRequest(path, temp.Combine("a.onnx"), "portable"));
        ModelCompressor.Compress(new CompressionRequest(path, temp.Combine("b.onnx"), "portable"));
        Assert.Equal(File.ReadAllBytes(temp.Combine("a.onnx")), File.ReadAllBytes(temp.Combine("b.onnx")));
    }

    [Fact]
    public void Reduce_range_keeps_int8_weights_within_seven_bits()
    {
        using var temp = new TempFolder("int8-reduce-range");
        var path = TestAssets.Models.HelloDeepa.RequirePath();
        int Largest(string file, bool reduceRange)
        {
            ModelCompressor.Compress(new CompressionRequest(path, temp.Combine(file), "portable")
            {
                Overrides = new Dictionary<string, string> { ["ReduceRange"] = reduceRange ? "true" : "false" },
            });
            return OnnxModel.Load(temp.Combine(file)).Proto.Graph.Initializer
                .Where(t => t.DataType == (int)TensorProto.Types.DataType.Int8)
                .Max(t => TensorData.Read<sbyte>(t).ToArray().Max(v => Math.Abs((int)v)));
        }
        Assert.Equal(127, Largest("full.onnx", false));
        Assert.Equal(64, Largest("reduced.onnx", true));
    }

    [Fact]
    public void Excluded_operator_types_keep_their_float_weights()
    {
        using var temp = new TempFolder("int8-exclude");
        var result = ModelCompressor.Compress(new CompressionRequest(TestAssets.Models.BlazeFaceFront.RequirePath(), temp.Combine("m.onnx"), "portable")
        {
            Overrides = new Dictionary<string, string> { ["Exclude"] = "Conv" },
        });
        Assert.Equal(0, result.Passes[0].TensorsChanged);
    }

    [Theory]
    [InlineData("hello-deepa")]
    [InlineData("blazeface-front")]
    public async Task The_executor_runs_int8_weight_models_as_onnx_runtime_does(string name)
    {
        // The build measures fidelity with the managed executor, so it must run the compressed forms themselves:
        // DequantizeLinear per axis (opset 13) and Cast + Mul (before it).
        using var temp = new TempFolder("int8-executor");
        var compressed = temp.Combine("model.onnx");
        ModelCompressor.Compress(new CompressionRequest(TestAssets.RealModel(name).RequirePath(), compressed, "portable"));
        var inputs = temp.CreateFolder("inputs");
        await RealInputs.WriteAsync(name, inputs);
        var ort = await OnnxRuntimeOracle.RunAsync(compressed, inputs, temp.Combine("ort"));

        var model = OnnxModel.Load(compressed);
        var executor = new Compression.Evaluation.Execution.ModelExecutor(model);
        var feeds = Compression.Evaluation.DataSets.InputFiles.Load(inputs, executor.Inputs.Select(n => model.Graph.Input.First(i => i.Name == n)).ToList());
        var outputs = executor.Run(feeds);
        foreach (var expected in ort.Outputs)
        {
            var want = TensorData.ReadAsFloat(NpyFile.Read(expected.Path));
            var got = outputs[expected.Name].ReadOnlySpan<float>();
            var largest = want.Max(v => Math.Abs(v));
            for (var i = 0; i < want.Length; i++)
                Assert.True(Math.Abs(got[i] - want[i]) <= 1e-4 * largest, $"{expected.Name}[{i}]: {got[i]} vs {want[i]}");
        }
    }

    [Fact]
    public async Task Weights_inside_if_branches_are_quantized_in_their_own_graph_and_run_in_onnx_runtime()
    {
        using var temp = new TempFolder("int8-subgraph");
        GraphProto Branch(string name, int seed)
        {
            var dense = TinyModels.Dense(64, 32, seed).Graph;
            return new GraphProto
            {
                Name = name,
                Output = { TinyModels.Float($"{name}_y", 1, 32) },
                Initializer = { dense.Initializer.Select(t => { var c = t.Clone(); c.Name = $"{name}_{t.Name}"; return c; }) },
                Node = { TinyModels.Node("Gemm", ["x", $"{name}_W", $"{name}_b"], [$"{name}_y"], $"{name}_gemm") },
            };
        }
        var iff = TinyModels.Node("If", ["cond"], ["y"], "branch");
        iff.Attribute.Add(new AttributeProto { Name = "then_branch", Type = AttributeProto.Types.AttributeType.Graph, G = Branch("then", 1) });
        iff.Attribute.Add(new AttributeProto { Name = "else_branch", Type = AttributeProto.Types.AttributeType.Graph, G = Branch("else", 2) });
        var cond = new ValueInfoProto { Name = "cond", Type = new TypeProto { TensorType = new TypeProto.Types.Tensor { ElemType = (int)TensorProto.Types.DataType.Bool, Shape = new TensorShapeProto() } } };
        var graph = new GraphProto { Name = "if", Input = { TinyModels.Float("x", 1, 64), cond }, Output = { TinyModels.Float("y", 1, 32) }, Node = { iff } };
        var original = temp.Combine("if.onnx");
        OnnxModel.FromProto(TinyModels.Model(graph)).Save(original);

        var compressed = temp.Combine("if-int8.onnx");
        var result = ModelCompressor.Compress(new CompressionRequest(original, compressed, "portable"));
        Assert.Equal(2, result.Passes[0].TensorsChanged);
        var branches = OnnxModel.Load(compressed).Graph.Node.Single().Attribute.Select(a => a.G).ToList();
        Assert.All(branches, b => Assert.Contains(b.Node, n => n.OpType == "DequantizeLinear"));
        Assert.All(branches, b => Assert.DoesNotContain(b.Initializer, t => t.DataType == (int)TensorProto.Types.DataType.Float && t.Dims.Count == 2));

        foreach (var take in new[] { true, false })
        {
            var inputs = temp.CreateFolder($"inputs-{take}");
            NpyFile.Write(Path.Combine(inputs, "input_0.npy"), TensorData.Create("x", [1, 64], (ReadOnlySpan<float>)Enumerable.Range(0, 64).Select(i => (float)Math.Sin(i)).ToArray()));
            NpyFile.Write(Path.Combine(inputs, "input_1.npy"), TensorData.Create("cond", [], (ReadOnlySpan<bool>)[take]));
            var expected = await OnnxRuntimeOracle.RunAsync(original, inputs, temp.Combine($"expected-{take}"));
            var actual = await OnnxRuntimeOracle.RunAsync(compressed, inputs, temp.Combine($"actual-{take}"));
            Assert.True(Fidelity.SqnrDb(expected, actual)[0] > 35);
        }
    }
}

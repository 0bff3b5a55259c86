using Compression.Engine.Pipeline;
using Compression.Engine.Preprocessing;
using Compression.Engine.Preprocessing.Equalization;
using Compression.Engine.Quantization.Static;
using Compression.Engine.Recipes;
using Compression.Onnx.Checking;
using Compression.Onnx.DataFiles;
using Compression.Onnx.Model;
using Compression.Onnx.Protobuf;
using Compression.Onnx.Tensors;
using Compression.Testing;
using Google.Protobuf;
using Xunit.Abstractions;

namespace Compression.Engine.Tests.Preprocessing;

/// <summary>
/// Cross-layer equalization: the float function is unchanged (ONNX Runtime 1.30 on the real models, the executor on
/// tiny ones), channel ranges become more even, only exact pairs are touched, and static int8 gains SQNR from it.
/// </summary>
public class EqualizationTests(ITestOutputHelper output)
{
    private const int CalibrationSamples = 16;

    private const int ValidationSamples = 16;

    private static readonly PreprocessOptions Without = PreprocessOptions.Default with { Equalize = false };

    private static PreprocessOptions With(EqualizationMethod method) =>
        PreprocessOptions.Default with { Equalization = new EqualizationOptions { Method = method } };

    private static Recipe Int8() =>
        RecipeOptions.Apply(Recipe.Identity, new Dictionary<string, string> { ["Quantization"] = "int8", ["CalibrationMethod"] = "percentile:99.99" });

    /// <summary>Same bound as the other preprocessing passes (<see cref="PreprocessorTests.Tolerance"/>): float ulps of the range.</summary>
    private const double Tolerance = PreprocessorTests.Tolerance;

    private static async Task<string?> CalibrationFor(string name, int count = 4) =>
        name == TestAssets.Models.HelloDeepa.Name ? null : await RealDataSets.GetAsync(name, count);

    [Theory]
    [MemberData(nameof(TestAssets.RealModelNames), MemberType = typeof(TestAssets))]
    public async Task Equalized_real_models_give_onnx_runtime_the_same_outputs(string name)
    {
        using var temp = new TempFolder("equalize-real");
        var path = TestAssets.RealModel(name).RequirePath();
        var folded = OnnxModel.Load(path).Proto;
        Preprocessor.Run(folded, Without);
        var equalized = folded.Clone();
        var report = new EqualizationPass(new EqualizationOptions(), await CalibrationFor(name), threads: 2).Apply(equalized);
        Assert.True(ModelChecker.Check(equalized).IsValid, ModelChecker.Check(equalized).ToString());
        output.WriteLine($"{name}: {string.Join("; ", report.Notes)}");
        OnnxModel.FromProto(folded).Save(temp.Combine("folded.onnx"));
        OnnxModel.FromProto(equalized).Save(temp.Combine("equalized.onnx"));

        var inputs = temp.CreateFolder("inputs");
        await RealInputs.WriteAsync(name, inputs);
        await PreprocessorTests.AssertSameOutputsAsync(temp.Combine("folded.onnx"), temp.Combine("equalized.onnx"), inputs, temp, output);
    }

    [Theory]
    [InlineData("blazeface-front")]
    [InlineData("blazeface-back")]
    [InlineData("paddleocr-cls")]
    [InlineData("paddleocr-det")]
    public async Task Channel_ranges_become_more_even(string name)
    {
        var model = OnnxModel.Load(TestAssets.RealModel(name).RequirePath()).Proto;
        Preprocessor.Run(model, Without);
        var data = (await CalibrationFor(name))!;

        // Data-free: the weights' own spread is what the rule balances.
        var byWeights = model.Clone();
        new EqualizationPass(new EqualizationOptions { Method = EqualizationMethod.WeightRanges }).Apply(byWeights);
        var (weightsBefore, weightsAfter) = (EqualizationPass.WeightSpread(model), EqualizationPass.WeightSpread(byWeights));

        // Data-aware: the spread of the activations between the layers, the tensors per-tensor quantization covers.
        var byActivations = model.Clone();
        new EqualizationPass(new EqualizationOptions(), data, threads: 2).Apply(byActivations);
        var (activationsBefore, activationsAfter) = (ActivationSpread(model, data), ActivationSpread(byActivations, data));
        output.WriteLine($"{name}: weight spread {weightsBefore:F2} → {weightsAfter:F2} (weight ranges); activation spread {activationsBefore:F2} → {activationsAfter:F2} (activation ranges)");
        Assert.True(weightsAfter < weightsBefore * 0.95, $"weight spread {weightsBefore:F3} → {weightsAfter:F3}");
        Assert.True(activationsAfter < activationsBefore * 0.9, $"activation spread {activationsBefore:F3} → {activationsAfter:F3}");
    }

    [Theory]
    [InlineData("blazeface-front", true)]
    [InlineData("blazeface-back", true)]
    [InlineData("paddleocr-cls", false)]
    [InlineData("paddleocr-det", false)]
    public async Task Static_int8_gains_sqnr_from_equalization(string name, bool dominatedByFewChannels)
    {
        using var temp = new TempFolder("equalize-int8");
        var path = TestAssets.RealModel(name).RequirePath();
        var calibration = await RealDataSets.GetAsync(name, CalibrationSamples);
        var validation = await RealDataSets.GetAsync(name, ValidationSamples, first: CalibrationSamples);
        // Both with every node quantized: static int8's measured fallback would keep the worst nodes float in either.
        var without = await QuantizeAsync(name, Without, temp.Combine("without.onnx"));
        // With: the preprocessing static int8 runs by default, which equalizes.
        await QuantizeAsync(name, PreprocessOptions.Default, temp.Combine("with.onnx"));
        var before = await Fidelity.OverDataSetAsync(path, without, validation, temp.CreateFolder("ort-without"));
        var after = await Fidelity.OverDataSetAsync(path, temp.Combine("with.onnx"), validation, temp.CreateFolder("ort-with"));
        var gains = before.Zip(after, (b, a) => a.SqnrDb - b.SqnrDb).ToList();
        output.WriteLine($"| {name} | {string.Join(" / ", before.Select(m => $"{m.SqnrDb:F1}"))} | {string.Join(" / ", after.Select(m => $"{m.SqnrDb:F1}"))} | {string.Join(" / ", gains.Select(g => $"{g:+0.0;-0.0}"))} |");
        // Equalization trades a little on some outputs for a lot on the starved ones; none may lose more than noise.
        Assert.All(gains, g => Assert.True(g >= -1.0, $"an output lost {-g:F1} dB"));
        if (dominatedByFewChannels)
        {
            Assert.True(after.Min(m => m.SqnrDb) >= before.Min(m => m.SqnrDb) + 1.5, "the worst output did not gain 1.5 dB");
            Assert.True(gains.Average() >= 2.5, $"mean gain {gains.Average():F1} dB");
        }
    }

    [Fact]
    public async Task Equalization_writes_the_same_bytes_every_time_and_with_any_thread_count()
    {
        var path = TestAssets.Models.BlazeFaceFront.RequirePath();
        var data = await RealDataSets.GetAsync("blazeface-front", 4);
        byte[] Once(int threads)
        {
            var model = OnnxModel.Load(path).Proto;
            foreach (var pass in Preprocessor.Passes(PreprocessOptions.Default, data, null, threads)) pass.Apply(model);
            return model.ToByteArray();
        }
        var first = Once(1);
        Assert.Equal(first, Once(1));
        Assert.Equal(first, Once(2));
        Assert.NotEqual(Folded(path), first);
    }

    private static byte[] Folded(string path)
    {
        var model = OnnxModel.Load(path).Proto;
        Preprocessor.Run(model, Without);
        return model.ToByteArray();
    }

    [Theory]
    [InlineData(null)]
    [InlineData("Relu")]
    [InlineData("PRelu")]
    [InlineData("LeakyRelu")]
    [InlineData("Clip(0,inf)")]
    public void A_depthwise_conv_feeding_a_pointwise_conv_is_equalized_exactly(string? activation)
    {
        var model = DepthwisePointwise(activation);
        var reference = Run(model);
        var report = new EqualizationPass(new EqualizationOptions { Method = EqualizationMethod.WeightRanges }).Apply(model);
        output.WriteLine(string.Join("; ", report.Notes));
        Assert.StartsWith("1 pairs equalized", report.Notes[0]);
        var depthwise = TensorData.Read<float>(model.Graph.Initializer.Single(t => t.Name == "Wd"));
        var ranges = Enumerable.Range(0, 4).Select(c => depthwise.Skip(c * 9).Take(9).Max(Math.Abs)).ToArray();
        output.WriteLine($"depthwise channel ranges after: {string.Join(", ", ranges.Select(r => r.ToString("G3")))}");
        Assert.True(ranges.Max() / ranges.Min() < 100, "the 3000:1 channel ranges stayed apart");
        AssertClose(reference, Run(model));
    }

    [Fact]
    public void A_gemm_chain_through_leaky_relu_is_equalized_exactly_and_iterates_to_a_fixed_point()
    {
        var random = new Random(7);
        float[] Values(int n, double scale) => Enumerable.Range(0, n).Select(i => (float)((random.NextDouble() - 0.5) * scale * (1 + (i % 5 * 7)))).ToArray();
        var model = TinyModels.Model(new GraphProto
        {
            Name = "mlp",
            Input = { TinyModels.Float("x", 2, 6) },
            Output = { TinyModels.Float("y", 2, 3) },
            Initializer =
            {
                TinyModels.FloatTensor("W1", [5, 6], Values(30, 1)), TinyModels.FloatTensor("b1", [5], Values(5, 1)),
                TinyModels.FloatTensor("W2", [5, 4], Values(20, 0.1)), TinyModels.FloatTensor("b2", [], [0.5f]),
                TinyModels.FloatTensor("W3", [4, 3], Values(12, 3)),
            },
            Node =
            {
                WithInt(TinyModels.Node("Gemm", ["x", "W1", "b1"], ["h1"]), "transB", 1),
                TinyModels.Node("LeakyRelu", ["h1"], ["a1"]),
                TinyModels.Node("Gemm", ["a1", "W2", "b2"], ["h2"]),
                TinyModels.Node("Relu", ["h2"], ["a2"]),
                TinyModels.Node("MatMul", ["a2", "W3"], ["y"]),
            },
        });
        var inputs = new Dictionary<string, Compression.Evaluation.Tensors.Tensor> { ["x"] = Compression.Evaluation.Tensors.Tensor.Create([2, 6], Values(12, 2)) };
        var reference = Run(model, inputs);
        var before = EqualizationPass.WeightSpread(model);
        var report = new EqualizationPass(new EqualizationOptions { Method = EqualizationMethod.WeightRanges }).Apply(model);
        output.WriteLine(string.Join("; ", report.Notes));
        Assert.StartsWith("2 pairs equalized", report.Notes[0]);
        Assert.True(EqualizationPass.WeightSpread(model) < before);
        // The scalar C of the middle Gemm became one value per feature, so each feature could take its own scale.
        Assert.Equal([4L], model.Graph.Initializer.Single(t => t.Name == "b2").Dims);
        AssertClose(reference, Run(model, inputs));
        // At the fixed point a second pass finds nothing left to move.
        var again = new EqualizationPass(new EqualizationOptions { Method = EqualizationMethod.WeightRanges }).Apply(model.Clone());
        Assert.Contains("in 1 round(s)", again.Notes[0]);
    }

    [Fact]
    public void Clip_0_6_between_the_layers_is_not_equalized()
    {
        var model = DepthwisePointwise("Clip(0,6)");
        var bytes = model.ToByteArray();
        var report = new EqualizationPass(new EqualizationOptions { Method = EqualizationMethod.WeightRanges }).Apply(model);
        Assert.Contains(report.Notes, n => n.Contains("Clip(0, 6)", StringComparison.Ordinal));
        Assert.Equal(bytes, model.ToByteArray());
    }

    [Fact]
    public void A_producer_read_by_two_consumers_is_not_equalized()
    {
        var model = DepthwisePointwise(null);
        model.Graph.Initializer.Add(TinyModels.FloatTensor("Wq", [2, 4, 1, 1], [1, 2, 3, 4, 5, 6, 7, 8]));
        model.Graph.Node.Add(TinyModels.Node("Conv", ["h", "Wq"], ["z"]));
        model.Graph.Output.Add(TinyModels.Float("z", 1, 2, 5, 5));
        var bytes = model.ToByteArray();
        var report = new EqualizationPass(new EqualizationOptions { Method = EqualizationMethod.WeightRanges }).Apply(model);
        Assert.Contains(report.Notes, n => n.Contains("read by more than one node", StringComparison.Ordinal));
        Assert.Equal(bytes, model.ToByteArray());
    }

    /// <summary>
    /// x → depthwise 3x3 Conv (4 channels whose weights span 3000:1, as BlazeFace's do) → [activation] → 1x1 Conv to 3.
    /// The depthwise output is named h whatever comes after it.
    /// </summary>
    private static ModelProto DepthwisePointwise(string? activation)
    {
        var random = new Random(3);
        float[] channelScales = [0.01f, 1f, 30f, 0.3f];
        var wd = Enumerable.Range(0, 36).Select(i => (float)(random.NextDouble() - 0.5) * channelScales[i / 9]).ToArray();
        var bd = channelScales.Select(s => s * 0.1f).ToArray();
        var wp = Enumerable.Range(0, 12).Select(_ => (float)(random.NextDouble() - 0.5)).ToArray();
        var graph = new GraphProto
        {
            Name = "dw-pw",
            Input = { TinyModels.Float("x", 1, 4, 5, 5) },
            Output = { TinyModels.Float("y", 1, 3, 5, 5) },
            Initializer =
            {
                TinyModels.FloatTensor("Wd", [4, 1, 3, 3], wd), TinyModels.FloatTensor("Bd", [4], bd),
                TinyModels.FloatTensor("Wp", [3, 4, 1, 1], wp), TinyModels.FloatTensor("Bp", [3], [0.1f, -0.2f, 0.3f]),
            },
        };
        var depthwise = WithInt(TinyModels.Node("Conv", ["x", "Wd", "Bd"], ["h"]), "group", 4);
        depthwise.Attribute.Add(new AttributeProto { Name = "pads", Type = AttributeProto.Types.AttributeType.Ints, Ints = { 1, 1, 1, 1 } });
        graph.Node.Add(depthwise);
        var read = "h";
        if (activation is not null)
        {
            read = "a";
            var node = activation switch
            {
                "PRelu" => TinyModels.Node("PRelu", ["h", "slope"], ["a"]),
                "Clip(0,6)" => TinyModels.Node("Clip", ["h", "zero", "six"], ["a"]),
                "Clip(0,inf)" => TinyModels.Node("Clip", ["h", "zero"], ["a"]),
                _ => TinyModels.Node(activation, ["h"], ["a"]),
            };
            graph.Node.Add(node);
            graph.Initializer.Add(TinyModels.FloatTensor("slope", [4, 1, 1], [0.1f, 0.2f, 0.3f, 0.4f]));
            graph.Initializer.Add(TinyModels.FloatTensor("zero", [], [0f]));
            graph.Initializer.Add(TinyModels.FloatTensor("six", [], [6f]));
        }
        graph.Node.Add(TinyModels.Node("Conv", [read, "Wp", "Bp"], ["y"]));
        return TinyModels.Model(graph);
    }

    private static NodeProto WithInt(NodeProto node, string name, long value)
    {
        node.Attribute.Add(new AttributeProto { Name = name, Type = AttributeProto.Types.AttributeType.Int, I = value });
        return node;
    }

    private static Dictionary<string, float[]> Run(ModelProto model, IReadOnlyDictionary<string, Compression.Evaluation.Tensors.Tensor>? inputs = null)
    {
        var random = new Random(5);
        inputs ??= new Dictionary<string, Compression.Evaluation.Tensors.Tensor>
        {
            ["x"] = Compression.Evaluation.Tensors.Tensor.Create([1, 4, 5, 5], Enumerable.Range(0, 100).Select(_ => (float)(random.NextDouble() * 4 - 2)).ToArray()),
        };
        var executor = new Compression.Evaluation.Execution.ModelExecutor(OnnxModel.FromProto(model.Clone()));
        return executor.Run(inputs).ToDictionary(p => p.Key, p => p.Value.ToArray<float>());
    }

    private static void AssertClose(Dictionary<string, float[]> expected, Dictionary<string, float[]> actual)
    {
        foreach (var (name, values) in expected)
        {
            var range = Math.Max(values.Max(v => Math.Abs(v)), 1e-3f);
            var worst = PreprocessorTests.MaxDifference(values, actual[name]);
            Assert.True(worst <= Tolerance * range, $"{name}: max |diff| {worst} of range {range}");
        }
    }

    private static double ActivationSpread(ModelProto model, string data)
    {
        var pairs = EqualizationPair.Find(new Compression.Onnx.Graph.ModelIndex(model), freeInitializers: true).Pairs;
        var ranges = ActivationChannelRanges.Measure(model, null, pairs.ToDictionary(p => p.Between, p => p.Producer.ChannelsLast), data, 2);
        return ChannelSpread.GeometricMean(pairs.Select(p => ChannelSpread.Of(ranges[p.Between])));
    }

    private static async Task<string> QuantizeAsync(string name, PreprocessOptions preprocessing, string outputPath)
    {
        var calibration = await RealDataSets.GetAsync(name, CalibrationSamples);
        var model = OnnxModel.Load(TestAssets.RealModel(name).RequirePath());
        var plan = Planner.Plan(model.Proto, Int8(), new PlanInputs(HasCalibrationData: true) { Preprocessing = preprocessing });
        var context = new CompressionContext(model, plan.Recipe) { CalibrationData = calibration, Threads = 2, MeasuredFallback = false };
        plan.Run(context);
        Assert.True(ModelChecker.Check(context.Model).IsValid);
        OnnxModel.FromProto(context.Model).Save(outputPath);
        return outputPath;
    }
}

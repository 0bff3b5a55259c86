using Compression.Engine.Preprocessing.OpsetConversion;
using Compression.Evaluation.Execution;
using Compression.Evaluation.Tensors;
using Compression.Onnx.DataFiles;
using Compression.Onnx.Diagnostics;
using Compression.Onnx.Model;
using Compression.Onnx.Protobuf;
using Compression.Onnx.Tensors;
using Compression.Testing;
using Compression.Testing.Conformance;
using Xunit.Abstractions;

namespace Compression.Engine.Tests.Preprocessing;

/// <summary>
/// The opset converter keeps outputs equal: the real models (opsets 9, 11, 12) raised to 13 and 21 give ONNX Runtime's
/// outputs of the original, and every backend-suite case at opsets 7–12 that converts still matches its expected outputs.
/// </summary>
public class OpsetConverterTests(ITestOutputHelper output)
{
    [Theory]
    [InlineData("paddleocr-cls", 13)]
    [InlineData("paddleocr-cls", 21)]
    [InlineData("paddleocr-det", 13)]
    [InlineData("paddleocr-det", 21)]
    [InlineData("blazeface-front", 13)]
    [InlineData("blazeface-back", 21)]
    [InlineData("hello-deepa", 21)]
    public async Task Real_models_raised_to_a_newer_opset_give_onnx_runtime_the_same_outputs(string name, int target)
    {
        using var temp = new TempFolder("opset-real");
        var path = TestAssets.RealModel(name).RequirePath();
        var model = OnnxModel.Load(path).Proto;
        var result = OpsetConverter.Convert(model, target, path);
        Assert.Equal(target, OpsetConverter.DefaultOpset(model));
        var converted = temp.Combine("converted.onnx");
        OnnxModel.FromProto(model).Save(converted);

        var inputs = temp.CreateFolder("inputs");
        await RealInputs.WriteAsync(name, inputs);
        var reference = await OnnxRuntimeOracle.RunAsync(path, inputs, temp.Combine("reference"));
        var actual = await OnnxRuntimeOracle.RunAsync(converted, inputs, temp.Combine("actual"));
        foreach (var (r, a) in reference.Outputs.Zip(actual.Outputs))
        {
            var expected = TensorData.ReadAsFloat(NpyFile.Read(r.Path));
            var got = TensorData.ReadAsFloat(NpyFile.Read(a.Path));
            var range = expected.Max(v => Math.Abs(v));
            var worst = expected.Zip(got).Max(p => Math.Abs(p.First - p.Second));
            // The conversion changes the form of nodes, not the arithmetic: differences can only come from ONNX Runtime
            // picking another kernel for a rewritten node (e.g. Clip with inputs), so they stay at float rounding.
            Assert.True(worst <= 1e-5 * Math.Max(range, 1e-3), $"{r.Name}: max |diff| {worst} of range {range}");
        }
        output.WriteLine($"{name}: opset {result.From} → {result.To}, {result.NodesConverted} nodes rewritten");
    }

    [Fact]
    public void Backend_cases_at_opsets_7_to_12_keep_their_expected_outputs_at_opset_13()
    {
        var converted = 0;
        var refused = new SortedDictionary<string, int>(StringComparer.Ordinal);
        var failures = new List<string>();
        var totals = new Dictionary<CaseOutcome, int>();
        foreach (var path in TestAssets.BackendModels())
        {
            var proto = OnnxModel.Load(path).Proto;
            var opset = OpsetConverter.DefaultOpset(proto);
            if (opset is < 7 or >= 13) continue;
            if (OpsetConverter.WhyNot(proto, 13) is { } why)
            {
                refused[why.Length > 90 ? why[..90] : why] = refused.GetValueOrDefault(why.Length > 90 ? why[..90] : why) + 1;
                continue;
            }
            converted++;
            var backendCase = new BackendCase(Path.GetDirectoryName(path)!);
            var (before, _, _) = backendCase.Run();
            var (outcome, detail, _) = backendCase.Run(transform: m =>
            {
                var copy = m.Proto.Clone();
                OpsetConverter.Convert(copy, 13, path);
                return OnnxModel.FromProto(copy, m.SourcePath);
            });
            totals[outcome] = totals.GetValueOrDefault(outcome) + 1;
            // A case the executor passed before conversion must pass after it (the few known executor exceptions fail both).
            if (before == CaseOutcome.Passed && outcome != CaseOutcome.Passed)
                failures.Add($"{backendCase.Name}: {outcome}: {detail}");
        }
        output.WriteLine($"converted {converted} cases to opset 13: {string.Join(", ", totals.Select(t => $"{t.Value} {t.Key}"))}");
        foreach (var (why, count) in refused) output.WriteLine($"  refused {count}: {why}");
        Assert.True(converted >= 100, $"only {converted} backend cases converted");
        Assert.True(totals.GetValueOrDefault(CaseOutcome.Passed) >= 80, "too few converted cases ran on the executor");
        Assert.True(failures.Count == 0, string.Join('\n', failures));
    }

    [Fact]
    public void Softmax_over_a_middle_axis_keeps_its_old_meaning_through_flatten_and_reshape()
    {
        var graph = new GraphProto
        {
            Name = "softmax",
            Input = { TinyModels.Float("x", 2, 3, 4) },
            Output = { TinyModels.Float("y", 2, 3, 4) },
            Node = { TinyModels.Node("Softmax", ["x"], ["y"], "softmax") },
        };
        graph.Node[0].Attribute.Add(new AttributeProto { Name = "axis", Type = AttributeProto.Types.AttributeType.Int, I = 1 });
        var original = TinyModels.Model(graph, opset: 11);
        var converted = original.Clone();
        OpsetConverter.Convert(converted, 13);

        Assert.Equal(["Shape", "Flatten", "Softmax", "Reshape"], converted.Graph.Node.Select(n => n.OpType));
        var x = new float[24];
        for (var i = 0; i < x.Length; i++) x[i] = (i * 7 % 11) - 5f;
        var inputs = new Dictionary<string, Tensor> { ["x"] = Tensor.Create([2, 3, 4], x) };
        var before = new ModelExecutor(OnnxModel.FromProto(original)).Run(inputs)["y"].ReadOnlySpan<float>().ToArray();
        var after = new ModelExecutor(OnnxModel.FromProto(converted)).Run(inputs)["y"].ReadOnlySpan<float>().ToArray();
        Assert.Equal(before, after);
        // Normalised over the 12 trailing values of each batch item, not over the 3 of axis 1.
        Assert.Equal(1.0, before.Take(12).Sum(), 5);
    }

    [Fact]
    public void A_model_with_an_unknown_step_is_refused_whole_with_its_code_and_left_unchanged()
    {
        var graph = new GraphProto
        {
            Name = "upsample",
            Input = { TinyModels.Float("x", 1, 1, 2, 2) },
            Output = { TinyModels.Float("y", 1, 1, 4, 4), TinyModels.Float("z", 1, 1, 2, 2) },
            Initializer = { TinyModels.FloatTensor("scales", [4], [1, 1, 2, 2]) },
            Node = { TinyModels.Node("Upsample", ["x", "scales"], ["y"]), TinyModels.Node("Clip", ["x"], ["z"]) },
        };
        graph.Node[1].Attribute.Add(new AttributeProto { Name = "max", Type = AttributeProto.Types.AttributeType.Float, F = 1 });
        var model = TinyModels.Model(graph, opset: 9);
        var before = model.Clone();

        var e = Assert.Throws<CompressionException>(() => OpsetConverter.Convert(model, 13, "m.onnx"));
        Assert.Equal(EngineErrorCodes.OpsetConversionUnsupported, e.Code);
        Assert.Equal("m.onnx", e.FilePath);
        Assert.Contains("Upsample 9 → 10", e.Message);
        Assert.Equal(before, model);
    }

    [Fact]
    public void A_dropout_whose_mask_is_read_is_refused_and_one_whose_mask_is_not_becomes_identity()
    {
        GraphProto Graph(bool maskIsOutput) => new()
        {
            Name = "dropout",
            Input = { TinyModels.Float("x", 4) },
            Output = { TinyModels.Float("y", 4) },
            Node = { TinyModels.Node("Dropout", ["x"], maskIsOutput ? ["y", "mask"] : ["y"]) },
        };
        var used = Graph(maskIsOutput: true);
        used.Output.Add(new ValueInfoProto { Name = "mask" });
        Assert.Contains("mask", Assert.Throws<CompressionException>(() => OpsetConverter.Convert(TinyModels.Model(used, opset: 7), 13)).Message);

        var plain = TinyModels.Model(Graph(maskIsOutput: false), opset: 7);
        OpsetConverter.Convert(plain, 13);
        Assert.Equal("Identity", Assert.Single(plain.Graph.Node).OpType);
    }

    [Fact]
    public void Clip_bounds_become_inputs_of_the_input_type_and_a_lowered_opset_is_refused()
    {
        var graph = new GraphProto
        {
            Name = "clip",
            Input = { TinyModels.Float("x", 4) },
            Output = { TinyModels.Float("y", 4) },
            Node = { TinyModels.Node("Clip", ["x"], ["y"]) },
        };
        graph.Node[0].Attribute.Add(new AttributeProto { Name = "min", Type = AttributeProto.Types.AttributeType.Float, F = -1 });
        graph.Node[0].Attribute.Add(new AttributeProto { Name = "max", Type = AttributeProto.Types.AttributeType.Float, F = 6 });
        var model = TinyModels.Model(graph, opset: 9);
        OpsetConverter.Convert(model, 13);
        var clip = Assert.Single(model.Graph.Node);
        Assert.Empty(clip.Attribute);
        Assert.Equal(3, clip.Input.Count);
        Assert.Equal([-1f, 6f], clip.Input.Skip(1).Select(n => TensorData.Read<float>(model.Graph.Initializer.Single(t => t.Name == n)).Single()));

        Assert.Equal(EngineErrorCodes.OpsetConversionUnsupported, Assert.Throws<CompressionException>(() => OpsetConverter.Convert(model, 11)).Code);
    }
}

using Compression.Engine.Preprocessing;
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
/// The whole preprocessing (fold constants, fold BatchNormalization, fold again, remove dead code) on the real models:
/// ONNX Runtime 1.30 gives the preprocessed model the original's outputs on real inputs, the graphs get smaller, and
/// the result is the same bytes every time.
/// </summary>
public class PreprocessorTests(ITestOutputHelper output)
{
    /// <summary>
    /// Largest |difference| allowed, relative to the largest |value| of each output. Preprocessing changes only where
    /// float rounding happens (a folded weight is w·s rounded once instead of the product rounded per activation; folded
    /// constants come from our kernels instead of ONNX Runtime's), which moves outputs by float32 ulps of the range; a
    /// wrong channel, epsilon or folded value moves them by 1e-3 of the range and more. Deep models amplify ulps: ONNX
    /// Runtime's own outputs for the PaddleOCR detector differ by 1.5e-5 between its optimization levels (it fuses
    /// Conv+BatchNormalization itself in float), so the bound is this or twice ONNX Runtime's own disagreement with
    /// itself, whichever is larger, measured per model. The detector's 28 folded scalar Muls move its probability
    /// map by 1.8e-5 (2026-11-22), so the bound is 3e-5: still 30 times under a wrong fold.
    /// </summary>
    public const double Tolerance = 3e-5;

    [Theory]
    [MemberData(nameof(TestAssets.RealModelNames), MemberType = typeof(TestAssets))]
    public async Task Preprocessed_real_models_give_onnx_runtime_the_original_outputs_with_fewer_nodes(string name)
    {
        using var temp = new TempFolder("preprocess-real");
        var path = TestAssets.RealModel(name).RequirePath();
        var model = OnnxModel.Load(path).Proto;
        var before = Histogram(model);
        var reports = Preprocessor.Run(model);
        var after = Histogram(model);
        Assert.True(ModelChecker.Check(model).IsValid, ModelChecker.Check(model).ToString());
        var preprocessed = temp.Combine("preprocessed.onnx");
        OnnxModel.FromProto(model).Save(preprocessed);

        var inputs = temp.CreateFolder("inputs");
        await RealInputs.WriteAsync(name, inputs);
        output.WriteLine($"{name}: {before.Values.Sum()} → {after.Values.Sum()} nodes; {Changes(before, after)}");
        foreach (var report in reports) output.WriteLine($"  {report.Pass}: {string.Join("; ", report.Notes)} ({report.BytesBefore} → {report.BytesAfter} constant bytes)");
        await AssertSameOutputsAsync(path, preprocessed, inputs, temp, output);
        // Constant and BatchNormalization nodes always fold away; a model without them (BlazeFace: its channel-padding
        // fills are over the size rule) keeps its nodes — and no model's constants grow by more than shape chains.
        if (before.ContainsKey("Constant") || before.ContainsKey("BatchNormalization"))
            Assert.True(after.Values.Sum() < before.Values.Sum(), "preprocessing removed no node");
        else
            Assert.True(after.Values.Sum() <= before.Values.Sum(), "preprocessing added nodes");
        Assert.True(reports[0].BytesAfter - reports[0].BytesBefore <= 4096, $"constant folding grew the constants by {reports[0].BytesAfter - reports[0].BytesBefore} bytes");
    }

    [Fact]
    public void The_paddleocr_classifier_loses_every_batch_normalization_and_constant_node()
    {
        var model = OnnxModel.Load(TestAssets.Models.PaddleOcrClassifier.RequirePath()).Proto;
        Assert.Equal(35, model.Graph.Node.Count(n => n.OpType == "BatchNormalization"));
        Assert.Equal(250, model.Graph.Node.Count(n => n.OpType == "Constant"));
        Preprocessor.Run(model);
        Assert.DoesNotContain(model.Graph.Node, n => n.OpType is "BatchNormalization" or "Constant");
        // The batch dimension is symbolic: the Shape → Slice → Concat → Reshape chain before the classifier head stays.
        Assert.Contains(model.Graph.Node, n => n.OpType == "Shape");
        Assert.Contains(model.Graph.Node, n => n.OpType == "Reshape");
    }

    [Theory]
    [MemberData(nameof(TestAssets.RealModelNames), MemberType = typeof(TestAssets))]
    public void Preprocessing_writes_the_same_bytes_every_time(string name)
    {
        var path = TestAssets.RealModel(name).RequirePath();
        byte[] Once()
        {
            var model = OnnxModel.Load(path).Proto;
            Preprocessor.Run(model);
            return model.ToByteArray();
        }
        Assert.Equal(Once(), Once());
    }

    /// <summary>
    /// ONNX Runtime gives <paramref name="changed"/> the outputs of <paramref name="original"/> on the inputs in
    /// <paramref name="inputs"/>, within <see cref="Tolerance"/> of each output's range or twice ONNX Runtime's own
    /// disagreement between its optimization levels, whichever is larger.
    /// </summary>
    internal static async Task AssertSameOutputsAsync(string original, string changed, string inputs, TempFolder temp, ITestOutputHelper output)
    {
        var reference = await OnnxRuntimeOracle.RunAsync(original, inputs, temp.Combine("reference"));
        var actual = await OnnxRuntimeOracle.RunAsync(changed, inputs, temp.Combine("actual"));
        var unoptimized = await OnnxRuntimeOracle.RunAsync(original, inputs, temp.Combine("unoptimized"), new OracleOptions { Optimization = "disabled" });
        Assert.Equal(reference.Outputs.Select(o => o.Shape), actual.Outputs.Select(o => o.Shape));
        foreach (var ((r, a), u) in reference.Outputs.Zip(actual.Outputs).Zip(unoptimized.Outputs))
        {
            var expected = TensorData.ReadAsFloat(NpyFile.Read(r.Path));
            var range = expected.Max(v => Math.Abs(v));
            var worst = MaxDifference(expected, TensorData.ReadAsFloat(NpyFile.Read(a.Path)));
            var noise = MaxDifference(expected, TensorData.ReadAsFloat(NpyFile.Read(u.Path)));
            var bound = Math.Max(Tolerance * Math.Max(range, 1e-3), 2 * noise);
            output.WriteLine($"  {r.Name}: max |diff| {worst:G3} of range {range:G3}; ONNX Runtime against itself {noise:G3}; bound {bound:G3}");
            Assert.True(worst <= bound, $"{r.Name}: max |diff| {worst} over {bound} (range {range}, ONNX Runtime's own {noise})");
        }
    }

    internal static double MaxDifference(float[] a, float[] b) => a.Zip(b).Max(p => Math.Abs((double)p.First - p.Second));

    internal static SortedDictionary<string, int> Histogram(ModelProto model)
    {
        var counts = new SortedDictionary<string, int>(StringComparer.Ordinal);
        foreach (var node in model.Graph.Node) counts[node.OpType] = counts.GetValueOrDefault(node.OpType) + 1;
        return counts;
    }

    private static string Changes(SortedDictionary<string, int> before, SortedDictionary<string, int> after) =>
        string.Join(", ", before.Keys.Union(after.Keys).Order(StringComparer.Ordinal)
            .Where(op => before.GetValueOrDefault(op) != after.GetValueOrDefault(op))
            .Select(op => $"{op} {before.GetValueOrDefault(op)}→{after.GetValueOrDefault(op)}"));
}

using Compression.Engine.Pipeline;
using Compression.Engine.Recipes;
using Compression.Onnx.DataFiles;
using Compression.Onnx.Model;
using Compression.Onnx.Protobuf;
using Compression.Onnx.Tensors;
using Compression.Testing;
using Xunit.Abstractions;
using static Compression.Engine.Tests.Preprocessing.TinyGraphs;

namespace Compression.Engine.Tests.Pruning;

/// <summary>
/// Structured pruning of a transformer's feed-forward hidden units and attention heads on a hand-built encoder block
/// (<see cref="TinyEncoderBlock"/>): what shrinks, what stays, that ONNX Runtime 1.32 (the product's check) and the node
/// oracle run the result with finite outputs of the original's shape, and what the refit on calibration data recovers.
/// </summary>
public class TransformerBlockPruningTests(ITestOutputHelper output)
{
    private static Recipe Channels(double fraction) =>
        RecipeOptions.Apply(Recipe.Identity, new Dictionary<string, string> { ["Pruning"] = FormattableString.Invariant($"channels:{fraction}") });

    private static string Save(GraphProto graph, TempFolder temp)
    {
        var path = temp.Combine("encoder.onnx");
        OnnxModel.FromProto(TinyModels.Model(graph)).Save(path);
        return path;
    }

    /// <summary>Seeded [1, 24, 16] samples (24 tokens each) in the data-set layout.</summary>
    private static string Samples(TempFolder temp, string name, int count, int seed)
    {
        var folder = temp.CreateFolder(name);
        for (var s = 0; s < count; s++)
        {
            var sample = Path.Combine(folder, $"sample_{s:000}");
            Directory.CreateDirectory(sample);
            NpyFile.Write(Path.Combine(sample, "x.npy"), Random("x", [1, 24, TinyEncoderBlock.Width], seed + s));
        }
        return folder;
    }

    private static long[] Dims(ModelProto model, string name) => model.Graph.Initializer.Single(t => t.Name == name).Dims.ToArray();

    /// <summary>ONNX Runtime (node oracle) on the validation samples: minimum SQNR of the pruned model against the original, every output finite.</summary>
    private static async Task<double> SqnrAsync(string original, string pruned, string validation, TempFolder temp)
    {
        var reference = await OnnxRuntimeOracle.RunDataSetAsync(original, validation, temp.Combine("reference"));
        var actual = await OnnxRuntimeOracle.RunDataSetAsync(pruned, validation, temp.Combine("actual"));
        var worst = double.PositiveInfinity;
        for (var s = 0; s < reference.Count; s++)
        {
            var expected = NpyFile.Read(reference[s][0]);
            var got = NpyFile.Read(actual[s][0]);
            Assert.Equal(expected.Dims, got.Dims);
            var values = TensorData.Read<float>(got);
            Assert.All(values, v => Assert.True(float.IsFinite(v)));
            worst = Math.Min(worst, Fidelity.SqnrDb(TensorData.Read<float>(expected), values));
        }
        return worst;
    }

    [Fact]
    public async Task A_quarter_of_the_feed_forward_units_and_of_the_heads_go_and_the_head_shapes_follow()
    {
        using var temp = new TempFolder("ffn-prune");
        var path = Save(TinyEncoderBlock.Graph(), temp);
        var result = ModelCompressor.Compress(path, temp.Combine("p.onnx"), "portable", Channels(0.25), threads: 1);
        var pruned = OnnxModel.Load(temp.Combine("p.onnx")).Proto;
        Assert.Equal([16L, 48], Dims(pruned, "h_w"));
        Assert.Equal([48L], Dims(pruned, "h_b"));
        Assert.Equal([48L, 16], Dims(pruned, "f_w"));
        // One of four heads of 4: 4 columns of Wq, Wk, Wv and their biases, 4 rows of Wo; the split shapes say 3 heads.
        foreach (var name in new[] { "q", "k", "v" })
        {
            Assert.Equal([16L, 12], Dims(pruned, $"{name}_w"));
            Assert.Equal([12L], Dims(pruned, $"{name}_b"));
            var concat = pruned.Graph.Node.Single(n => n.Output[0] == $"{name}_dims");
            Assert.Equal([3L], TensorData.Read<long>(pruned.Graph.Initializer.Single(t => t.Name == concat.Input[2])).ToArray());
        }
        Assert.Equal([12L, 16], Dims(pruned, "o_w"));
        var merge = pruned.Graph.Node.Single(n => n.Output[0] == "context_t_dims");
        Assert.Equal([12L], TensorData.Read<long>(pruned.Graph.Initializer.Single(t => t.Name == merge.Input[2])).ToArray());
        var pass = result.Pass("prune-channels");
        Assert.Equal(3 + 7, pass.TensorsChanged);
        Assert.Contains(pass.Notes, n => n.StartsWith("16 of 64 feed-forward hidden units removed in 1 ", StringComparison.Ordinal));
        Assert.Contains(pass.Notes, n => n.StartsWith("1 of 4 attention heads removed in 1 ", StringComparison.Ordinal));
        Assert.True(result.OnnxRuntime!.Checked, result.OnnxRuntime.Describe());
        Assert.DoesNotContain(result.Warnings, w => w.Code == EngineErrorCodes.NothingToChange);
        Assert.True(pass.BytesAfter < pass.BytesBefore);

        var sqnr = await SqnrAsync(path, temp.Combine("p.onnx"), Samples(temp, "validation", 3, 500), temp);
        // Random weights spread the signal evenly over units and heads, so a quarter of them carries a real share
        // (measured 3.5 dB); the residual keeps the block far from broken.
        output.WriteLine($"SQNR {sqnr:F1} dB; {string.Join("; ", pass.Notes)}");
        Assert.True(sqnr > 2, $"SQNR {sqnr:F1} dB");
    }

    [Fact]
    public async Task With_calibration_data_units_are_ranked_by_energy_and_the_refit_keeps_the_block_closer()
    {
        using var temp = new TempFolder("ffn-prune-refit");
        var path = Save(TinyEncoderBlock.Graph(), temp);
        var calibration = Samples(temp, "calibration", 16, 100);
        var validation = Samples(temp, "validation", 4, 900);
        var plain = ModelCompressor.Compress(path, temp.Combine("plain.onnx"), "portable", Channels(0.5), calibrationData: calibration, threads: 1);
        var refitPass = plain.Pass("prune-channels");
        Assert.Contains(refitPass.Notes, n => n.Contains("activation energy into the second MatMul", StringComparison.Ordinal));
        Assert.Contains(refitPass.Notes, n => n.Contains("1 of 1 feed-forward blocks refit by least squares", StringComparison.Ordinal));
        Assert.Contains(refitPass.Notes, n => n.Contains("context energy into the output projection", StringComparison.Ordinal));
        Assert.Equal([32L, 16], Dims(OnnxModel.Load(temp.Combine("plain.onnx")).Proto, "f_w"));

        var noRefit = new CompressionContext(OnnxModel.Load(path), Channels(0.5)) { CalibrationData = calibration, Threads = 1 };
        new Compression.Engine.Pruning.Structured.ChannelPruningPass(refit: false).Apply(noRefit);
        OnnxModel.FromProto(noRefit.Model).Save(temp.Combine("norefit.onnx"));
        var withRefit = await SqnrAsync(path, temp.Combine("plain.onnx"), validation, temp);
        var without = await SqnrAsync(path, temp.Combine("norefit.onnx"), validation, temp);
        output.WriteLine($"refit {withRefit:F1} dB, without {without:F1} dB; {string.Join("; ", refitPass.Notes)}");
        Assert.True(withRefit > without, $"refit {withRefit:F1} dB, without {without:F1} dB");
    }

    [Fact]
    public void Pruning_is_deterministic_across_thread_counts()
    {
        using var temp = new TempFolder("ffn-prune-threads");
        var path = Save(TinyEncoderBlock.Graph(), temp);
        var calibration = Samples(temp, "calibration", 6, 100);
        var one = ModelCompressor.Compress(path, temp.Combine("one.onnx"), "portable", Channels(0.25), calibrationData: calibration, threads: 1);
        var two = ModelCompressor.Compress(path, temp.Combine("two.onnx"), "portable", Channels(0.25), calibrationData: calibration, threads: 2);
        Assert.Equal(one.Sha256, two.Sha256);
    }

    [Fact]
    public void A_per_unit_operand_in_the_activation_and_a_single_head_are_not_pruned_and_MCB2121_says_so()
    {
        using var temp = new TempFolder("ffn-prune-none");
        var path = Save(TinyEncoderBlock.Graph(perUnitScale: true, heads: 1), temp);
        var result = ModelCompressor.Compress(path, temp.Combine("p.onnx"), "portable", Channels(0.25), threads: 1);
        Assert.Equal(0, result.Pass("prune-channels").TensorsChanged);
        var warning = Assert.Single(result.Warnings, w => w.Code == EngineErrorCodes.NothingToChange);
        Assert.Contains("prune-channels", warning.Message, StringComparison.Ordinal);
        Assert.Contains("encoder.onnx", warning.Message, StringComparison.Ordinal);
        Assert.Equal([16L, 64], Dims(OnnxModel.Load(temp.Combine("p.onnx")).Proto, "h_w"));
    }
}

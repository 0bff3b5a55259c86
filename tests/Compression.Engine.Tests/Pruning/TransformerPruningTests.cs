using Compression.Engine.Pipeline;
using Compression.Engine.Recipes;
using Compression.Onnx.DataFiles;
using Compression.Onnx.Tensors;
using Compression.Testing;
using Xunit.Abstractions;

namespace Compression.Engine.Tests.Pruning;

/// <summary>
/// 25% structured pruning of the real BERT-style encoder (all-MiniLM-L6-v2), feed-forward units and attention heads: size ratio and the fidelity of its
/// sentence embeddings (mean-pooled last_hidden_state, as sentence-transformers pools it) to the original's, both run
/// in ONNX Runtime on held-out sentences; with calibration data (energy ranking and refit) and without (weight
/// magnitudes). Minutes of work, so Long; the tiny encoder block (TransformerBlockPruningTests) asserts the behaviour in CI.
/// </summary>
public class TransformerPruningTests(ITestOutputHelper output)
{
    private static readonly Recipe Quarter = RecipeOptions.Apply(Recipe.Identity, new Dictionary<string, string> { ["Pruning"] = "channels:0.25" });

    [Fact]
    [Trait("Category", "Long")]
    public async Task A_quarter_of_the_minilm_feed_forward_units_and_heads_go_and_the_embeddings_stay_close()
    {
        using var temp = new TempFolder("minilm-ffn");
        var model = TestAssets.Models.MiniLm;
        var original = model.RequirePath();
        var calibration = SentenceDataSets.Write(model, temp.CreateFolder("calibration"), 12);
        var heldOut = SentenceDataSets.Write(model, temp.CreateFolder("held-out"), 4, first: 12);
        var reference = await OnnxRuntimeOracle.RunDataSetAsync(original, heldOut, temp.Combine("reference"));

        // Measured (docs/pruning.md): calibrated 0.89 mean / 0.86 worst, no refit 0.86 / 0.82, without data 0.75 / 0.71.
        foreach (var (name, data, refit, floor) in new[]
        {
            ("calibrated", calibration, true, 0.8), ("calibrated, no refit", calibration, false, 0.75), ("no data", (string?)null, false, 0.6),
        })
        {
            var path = temp.Combine($"{name.Replace(' ', '-').Replace(',', '-')}.onnx");
            var context = new CompressionContext(Compression.Onnx.Model.OnnxModel.Load(original), Quarter) { CalibrationData = data };
            var pass = new Compression.Engine.Pruning.Structured.ChannelPruningPass(refit).Apply(context);
            Compression.Onnx.Model.OnnxModel.FromProto(context.Model).Save(path);
            var ratio = (double)new FileInfo(original).Length / new FileInfo(path).Length;
            var pruned = await OnnxRuntimeOracle.RunDataSetAsync(path, heldOut, temp.Combine($"{Path.GetFileNameWithoutExtension(path)}-outputs"));
            var cosines = reference.Zip(pruned, (e, g) => Cosine(MeanPooled(e[0]), MeanPooled(g[0]))).ToList();
            output.WriteLine($"{name}: {ratio:F3}x; held-out embedding cosine mean {cosines.Average():F4}, min {cosines.Min():F4}; {string.Join("; ", pass.Notes)}");
            Assert.Contains(pass.Notes, n => n.StartsWith("2304 of 9216 feed-forward hidden units removed in 6 ", StringComparison.Ordinal));
            Assert.Contains(pass.Notes, n => n.StartsWith("18 of 72 attention heads removed in 6 ", StringComparison.Ordinal));
            // A quarter of the encoder layers' weights is an eighth of the file: the 30522 x 384 embedding table stays.
            Assert.InRange(ratio, 1.10, 1.16);
            Assert.True(cosines.Min() > floor, $"{name}: embedding cosine {cosines.Min():F4}");
        }
    }

    /// <summary>The mean over tokens of a [1, tokens, hidden] output (every token is real: the samples are unpadded).</summary>
    private static double[] MeanPooled(string file)
    {
        var tensor = NpyFile.Read(file);
        var (tokens, hidden) = ((int)tensor.Dims[1], (int)tensor.Dims[2]);
        var values = TensorData.Read<float>(tensor);
        var mean = new double[hidden];
        for (var t = 0; t < tokens; t++)
            for (var h = 0; h < hidden; h++) mean[h] += values[(t * hidden) + h] / tokens;
        return mean;
    }

    private static double Cosine(double[] a, double[] b)
    {
        double dot = 0, aa = 0, bb = 0;
        for (var i = 0; i < a.Length; i++) (dot, aa, bb) = (dot + (a[i] * b[i]), aa + (a[i] * a[i]), bb + (b[i] * b[i]));
        return dot / Math.Sqrt(aa * bb);
    }
}

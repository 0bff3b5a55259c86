using System.Globalization;
using System.Text;
using Compression.Engine.Pipeline;
using Compression.Onnx.Model;
using Compression.Testing;
using Microsoft.ML.Tokenizers;
using Xunit.Abstractions;

namespace Compression.Engine.Tests.Quantization.Transformers;

/// <summary>
/// The measured table of docs/quantization.md for the BERT-style text encoder of the test assets: every quantization
/// mode and the portable and desktop-x64 profiles, calibrated on the 16 sentences of SentenceDataSets and judged in
/// ONNX Runtime (in process, 1 thread) on <see cref="HeldOutSentences"/>: file size ratio, mean cosine of the pooled
/// sentence embedding (mean of last_hidden_state over the tokens, as sentence-transformers pools this model) to the
/// original's, nearest-neighbour agreement among the held-out sentences, and median latency of one sentence.
/// Minutes of work (static int8 calibrates in the managed executor): Category=Long. Run with
/// <c>dotnet test tests/Compression.Engine.Tests -c Release --filter "FullyQualifiedName~MiniLmQuantizationTable"</c>.
/// </summary>
public class MiniLmQuantizationTable
{
    private const int CalibrationSentences = 16;
    private const int LatencyIterations = 72;

    private readonly ITestOutputHelper _output;

    public MiniLmQuantizationTable(ITestOutputHelper output) => _output = output;

    private static readonly (string Label, string Profile, string? Quantization)[] Rows =
    [
        ("int8-weight", ModelCompressor.IdentityProfile, "int8-weight"),
        ("int8-dynamic", ModelCompressor.IdentityProfile, "int8-dynamic"),
        ("int8 (static)", ModelCompressor.IdentityProfile, "int8"),
        ("int4-weight", ModelCompressor.IdentityProfile, "int4-weight"),
        ("fp16", ModelCompressor.IdentityProfile, "fp16"),
        ("profile portable", "portable", null),
        ("profile desktop-x64", "desktop-x64", null),
    ];

    [Fact]
    [Trait("Category", "Long")]
    public void Prints_size_fidelity_and_latency_of_every_mode_on_held_out_sentences()
    {
        using var temp = new TempFolder("minilm-table");
        var encoder = TestAssets.Models.MiniLm;
        var original = encoder.RequirePath();
        var calibration = SentenceDataSets.Write(encoder, temp.CreateFolder("calibration"), CalibrationSentences);
        var samples = Tokenize(encoder, HeldOutSentences.All);

        using var reference = InProcessOnnxRuntime.Session(original);
        var expected = samples.Select(s => Pooled(reference, s)).ToList();
        var expectedNeighbours = Neighbours(expected);
        var originalBytes = new FileInfo(original).Length;

        var table = new StringBuilder();
        table.AppendLine("| recipe | size | ratio | mean cosine | min cosine | nearest neighbour kept | ORT latency, original → compressed | compress s |");
        table.AppendLine("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |");
        // MINILM_TABLE_ONLY=WORD measures only the rows whose label contains WORD (one mode while working on it).
        var only = Environment.GetEnvironmentVariable("MINILM_TABLE_ONLY");
        foreach (var (label, profile, quantization) in Rows.Where(r => string.IsNullOrEmpty(only) || r.Label.Contains(only, StringComparison.Ordinal)))
        {
            var compressed = temp.Combine($"{label.Replace(' ', '_')}.onnx");
            var overrides = quantization is null ? new Dictionary<string, string>() : new Dictionary<string, string> { ["Quantization"] = quantization };
            var watch = System.Diagnostics.Stopwatch.StartNew();
            var result = ModelCompressor.Compress(new CompressionRequest(original, compressed, profile) { Overrides = overrides, CalibrationData = calibration });
            var compressSeconds = watch.Elapsed.TotalSeconds;
            var optimized = temp.Combine($"{label.Replace(' ', '_')}.ort.onnx");
            using var session = InProcessOnnxRuntime.Session(result.Output, optimized);
            var actual = samples.Select(s => Pooled(session, s)).ToList();
            var cosines = expected.Zip(actual, Cosine).ToList();
            var neighbours = Neighbours(actual);
            var kept = expectedNeighbours.Zip(neighbours, (a, b) => a == b ? 1.0 : 0.0).Average();
            // The original measured right before each compressed model: on a shared machine the load drifts.
            var referenceMs = InProcessOnnxRuntime.MedianMilliseconds(reference, samples, LatencyIterations);
            var ms = InProcessOnnxRuntime.MedianMilliseconds(session, samples, LatencyIterations);
            var fused = OnnxModel.Load(optimized).Graph.Node.GroupBy(n => n.OpType)
                .Where(g => g.Key is "MatMulNBits" or "MatMulIntegerToFloat" or "DynamicQuantizeMatMul" or "QLinearMatMul" or "QGemm" or "MatMul" or "Gather")
                .OrderBy(g => g.Key, StringComparer.Ordinal).Select(g => $"{g.Key}:{g.Count()}");
            _output.WriteLine($"{label} ({result.Recipe}): ORT optimized graph {string.Join(" ", fused)}; warnings {string.Join("; ", result.Warnings.Select(w => w.Code))}");
            foreach (var pass in result.Passes) _output.WriteLine($"  {pass.Pass}: {string.Join(" / ", pass.Notes)}");
            var bytes = new FileInfo(result.Output).Length;
            table.AppendLine($"| {label} | {F(bytes / 1e6, "F1")} MB | {F((double)originalBytes / bytes, "F2")}x | {F(cosines.Average(), "F4")} | {F(cosines.Min(), "F4")} | "
                + $"{F(100 * kept, "F0")}% | {F(referenceMs, "F2")} → {F(ms, "F2")} ms ({F(referenceMs / ms, "F2")}x) | {F(compressSeconds, "F0")} |");
            Assert.All(cosines, c => Assert.True(double.IsFinite(c)));
        }
        _output.WriteLine($"all-MiniLM-L6-v2, {HeldOutSentences.All.Count} held-out sentences, calibrated on {CalibrationSentences}, ONNX Runtime in process, 1 thread:");
        _output.WriteLine(table.ToString());
    }

    private static string F(double value, string format) => value.ToString(format, CultureInfo.InvariantCulture);

    private static List<IReadOnlyList<InProcessOnnxRuntime.Input>> Tokenize(RealModel encoder, IReadOnlyList<string> sentences)
    {
        var tokenizer = BertTokenizer.Create(encoder.RequireVocabularyPath());
        return sentences.Select(sentence =>
        {
            var ids = tokenizer.EncodeToIds(sentence).Select(id => (long)id).ToArray();
            long[] shape = [1, ids.Length];
            return (IReadOnlyList<InProcessOnnxRuntime.Input>)
            [
                new InProcessOnnxRuntime.Input("input_ids", shape, ids),
                new InProcessOnnxRuntime.Input("attention_mask", shape, Enumerable.Repeat(1L, ids.Length).ToArray()),
                new InProcessOnnxRuntime.Input("token_type_ids", shape, new long[ids.Length]),
            ];
        }).ToList();
    }

    /// <summary>The mean over tokens of the first output (last_hidden_state [1, tokens, width]).</summary>
    private static double[] Pooled(Microsoft.ML.OnnxRuntime.InferenceSession session, IReadOnlyList<InProcessOnnxRuntime.Input> sample)
    {
        var (shape, values) = InProcessOnnxRuntime.Run(session, sample)[0];
        var (tokens, width) = (checked((int)shape[1]), checked((int)shape[2]));
        var pooled = new double[width];
        for (var t = 0; t < tokens; t++)
            for (var d = 0; d < width; d++) pooled[d] += values[t * width + d] / tokens;
        return pooled;
    }

    private static double Cosine(double[] a, double[] b)
    {
        double dot = 0, aa = 0, bb = 0;
        for (var i = 0; i < a.Length; i++)
        {
            dot += a[i] * b[i];
            aa += a[i] * a[i];
            bb += b[i] * b[i];
        }
        return dot / Math.Sqrt(aa * bb);
    }

    /// <summary>For each sentence, the index of the most similar other sentence (ties to the lower index).</summary>
    private static List<int> Neighbours(List<double[]> embeddings) =>
        embeddings.Select((e, i) => Enumerable.Range(0, embeddings.Count).Where(j => j != i)
            .Select(j => (j, Cosine(e, embeddings[j]))).OrderByDescending(p => p.Item2).ThenBy(p => p.j).First().j).ToList();
}

using Compression.Engine.Pipeline;
using Compression.Engine.Runtime;
using Compression.Onnx.DataFiles;
using Compression.Onnx.Model;
using Compression.Onnx.Tensors;
using Compression.Testing;
using Microsoft.ML.OnnxRuntime;
using Xunit.Abstractions;
using DataType = Compression.Onnx.Protobuf.TensorProto.Types.DataType;

namespace Compression.Engine.Tests.Acceptance;

/// <summary>
/// ML.NET's ResNet18 image featurizer (IR 3, opset 8, CNTK) compressed every way and measured in ONNX Runtime 1.32 on
/// real photos (<see cref="RealDataSets"/>, "resnet18"): the size ratio, the embedding cosine to the original's (mean and
/// minimum over the photos) and nearest-neighbour agreement (for each photo, whether its nearest other photo by cosine is
/// the same in the compressed model's embeddings as in the original's). It has no classification head, so top-1 and
/// top-5 cannot be measured on it. The numbers are in docs/quantization.md.
/// </summary>
public class ResNet18FeaturizerTests
{
    private const int CalibrationPhotos = 8;

    private const int ValidationPhotos = 24;

    private readonly ITestOutputHelper _output;

    public ResNet18FeaturizerTests(ITestOutputHelper output) => _output = output;

    /// <summary>The measured cases: a profile, or profile none with one override. The loose cosine floor each must keep.</summary>
    public static TheoryData<string, double> Cases() => new()
    {
        { "Quantization=int8-weight", 0.99 },
        { "Quantization=int8-dynamic", 0.95 },
        { "Quantization=int8", 0.95 },
        { "Quantization=int4-weight", 0.9 },
        { "Quantization=fp16", 0.999 },
        // Measured (docs/quantization.md): one 16-entry codebook per tensor over BN-folded weights keeps cosine 0.43; 50%
        // magnitude pruning without refit 0.79. The floors say the models run and are not noise, not that they are good.
        { "WeightSharing=16", 0.3 },
        { "Pruning=0.5", 0.7 },
        { "profile:portable", 0.99 },
        { "profile:desktop-x64", 0.95 },
    };

    [Theory]
    [Trait("Category", "Long")]
    [MemberData(nameof(Cases))]
    public Task Every_way_of_compressing_the_featurizer_runs_in_onnx_runtime_and_keeps_its_embeddings(string recipe, double floor) =>
        MeasureAsync(recipe, floor);

    [Theory]
    [InlineData("Quantization=int8-weight", 0.99)]
    [InlineData("Pruning=0.5", 0.7)]
    public Task Int8_weights_and_half_pruned_featurizers_run_in_onnx_runtime_and_keep_their_embeddings(string recipe, double floor) =>
        MeasureAsync(recipe, floor);

    private async Task MeasureAsync(string recipe, double floor)
    {
        using var temp = new TempFolder("resnet18");
        var original = TestAssets.Models.ResNet18.RequirePath();
        var calibration = await RealDataSets.GetAsync(TestAssets.Models.ResNet18.Name, CalibrationPhotos);
        var validation = await RealDataSets.GetAsync(TestAssets.Models.ResNet18.Name, ValidationPhotos, first: CalibrationPhotos);
        var (profile, overrides) = recipe.StartsWith("profile:", StringComparison.Ordinal)
            ? (recipe["profile:".Length..], new Dictionary<string, string>())
            : (ModelCompressor.IdentityProfile, new Dictionary<string, string> { [recipe.Split('=')[0]] = recipe.Split('=')[1] });
        var request = new CompressionRequest(original, temp.Combine("compressed.onnx"), profile)
        {
            Overrides = overrides,
            CalibrationData = calibration,
            OnnxRuntime = OnnxRuntimeOptions.CheckOnly,
        };

        var result = ModelCompressor.Compress(request);

        var samples = Directory.GetDirectories(validation).Order(StringComparer.Ordinal).ToList();
        var reference = Embeddings(original, samples);
        var actual = Embeddings(result.Output, samples);
        var cosines = reference.Zip(actual, (r, a) => EmbeddingFidelity.Cosine(r, a)).ToList();
        var agreement = EmbeddingFidelity.NeighbourAgreement(reference, actual);
        _output.WriteLine($"| {recipe} | {result.Recipe} | {result.OriginalBytes:N0} → {result.CompressedBytes:N0} | {result.Ratio:F2}x | " +
            $"{cosines.Average():F4} | {cosines.Min():F4} | {agreement:P0} |");
        Assert.True(cosines.Average() >= floor, $"{recipe}: mean embedding cosine {cosines.Average():F4} under {floor}");
        Assert.True(agreement >= 0.5, $"{recipe}: nearest-neighbour agreement {agreement:P0}");
        if (overrides.ContainsKey("Pruning"))
        {
            static long Zeros(string path) => OnnxModel.Load(path).Proto.Graph.Initializer
                .Where(t => t.DataType == (int)DataType.Float).Sum(t => (long)TensorData.Read<float>(t).Count(v => v == 0));
            var zeros = Zeros(result.Output);
            _output.WriteLine($"zero weights: {Zeros(original):N0} → {zeros:N0}");
            Assert.True(zeros > 5_000_000, $"pruning 50% of 11.7 M weights left only {zeros:N0} zeros");
        }
    }

    private static List<float[]> Embeddings(string model, IReadOnlyList<string> samples)
    {
        using var options = new SessionOptions { IntraOpNumThreads = 2, LogSeverityLevel = OrtLoggingLevel.ORT_LOGGING_LEVEL_ERROR };
        using var session = new InferenceSession(model, options);
        var name = Assert.Single(session.InputNames);
        var embeddings = new List<float[]>();
        foreach (var sample in samples)
        {
            var tensor = NpyFile.Read(Path.Combine(sample, "input_0.npy"));
            using var input = OrtValue.CreateTensorValueFromMemory(TensorData.Read<float>(tensor), tensor.Dims.ToArray());
            using var runOptions = new RunOptions();
            using var results = session.Run(runOptions, new Dictionary<string, OrtValue> { [name] = input }, session.OutputNames);
            embeddings.Add(results[0].GetTensorDataAsSpan<float>().ToArray());
        }
        return embeddings;
    }
}

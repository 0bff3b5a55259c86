using System.Diagnostics;
using System.IO.Compression;
using Compression.Engine.Pipeline;
using Compression.Engine.Profiles;
using Compression.Engine.Recipes;
using Compression.Onnx.DataFiles;
using Compression.Onnx.Tensors;
using Compression.Testing;
using Microsoft.ML.OnnxRuntime;
using Xunit.Abstractions;
using DataType = Compression.Onnx.Protobuf.TensorProto.Types.DataType;

namespace Compression.Engine.Tests.Acceptance;

/// <summary>
/// What a user ships must load and run in ONNX Runtime: every real model in the test assets (the five image and audio
/// models, the MiniLM text encoder, the ResNet18 featurizer and the PaddleOCR text recognizer) compressed with every
/// built-in profile and every quantization mode, each result
/// opened in an in-process ONNX Runtime session (Microsoft.ML.OnnxRuntime, the package apps reference) and run on the
/// model's real validation inputs beside the original. Every output must be finite, of the original's shape, and close
/// to the original's by a loose floor per quantization mode. The floors catch a broken model (a wrong scale, axis or
/// type costs tens of dB), not a few dB of quality: each pass's own tests pin per-model floors from measurement. A text
/// recognizer is judged by the text it reads instead (<see cref="MaxCharacterAccuracyLoss"/>).
/// </summary>
public class OnnxRuntimeAcceptanceTests
{
    private const int CalibrationSamples = 4;

    private const int ValidationSamples = 4;

    /// <summary>
    /// How much character accuracy a compressed text recognizer may lose on the validation lines, against the original's
    /// reading of the same lines in the same session: a broken model reads next to nothing (accuracy near 0). Its SQNR
    /// floor does not apply: CTC posteriors are spikes, and a spike moved by one time step (which fp16 does on some
    /// lines: 16-18 dB over the whole output) costs most of the signal and no character.
    /// </summary>
    private const double MaxCharacterAccuracyLoss = 0.05;

    private readonly ITestOutputHelper _output;

    public OnnxRuntimeAcceptanceTests(ITestOutputHelper output) => _output = output;

    /// <summary>The quantization modes by their option word, each compressed under profile none.</summary>
    public static IReadOnlyList<string> QuantizationModes { get; } = ["none", "fp16", "int8-weight", "int8", "int8-dynamic", "int4-weight"];

    /// <summary>Case names: profile:NAME for each built-in profile, quantization:MODE for each mode.</summary>
    public static IReadOnlyList<string> Cases { get; } =
    [
        .. BuiltInProfiles.All.Select(p => $"profile:{p.Name}"),
        .. QuantizationModes.Select(m => $"quantization:{m}"),
    ];

    /// <summary>
    /// Cases too slow for every CI run, with the reason; they run under Category=Long. mobile packs with Brotli at
    /// quality 11 (0.1-0.6 MB/s), the 58 MB int8 encoder and the 90 MB original beside it (the report's baseline); every
    /// ResNet18 case takes 10-50 s; the text recognizer's int8, int8-dynamic and int4-weight cases take 18-40 s (mobile
    /// 95 s), its none, fp16 and int8-weight ones 1-9 s.
    /// </summary>
    public static IReadOnlyDictionary<(string Model, string Case), string> Slow { get; } = new Dictionary<(string, string), string>(
        Cases.Select(c => KeyValuePair.Create((TestAssets.Models.ResNet18.Name, c),
            "10-50 s a case (1.8 GMACs a photo through the managed executor for fidelity and calibration); CI runs ResNet18FeaturizerTests' cheaper cases"))
        .Concat(new[] { "profile:desktop-x64", "profile:desktop-arm64", "profile:mobile", "profile:edge", "quantization:int8", "quantization:int8-dynamic", "quantization:int4-weight" }
            .Select(c => KeyValuePair.Create((TestAssets.Models.PaddleOcrRecognizer.Name, c),
                "18-40 s a case on 2 cores (mobile 95 s: Brotli at quality 11 over 2.9 MB); CI runs its none, fp16 and int8-weight cases"))))
    {
        [("minilm", "profile:mobile")] = "Brotli quality 11 over 58 MB and the 90 MB baseline takes minutes",
    };

    public static TheoryData<string, string> All()
    {
        var data = new TheoryData<string, string>();
        foreach (var model in TestAssets.AllRealModels)
            foreach (var c in Cases.Where(c => !Slow.ContainsKey((model.Name, c)))) data.Add(model.Name, c);
        return data;
    }

    public static TheoryData<string, string> SlowCases()
    {
        var data = new TheoryData<string, string>();
        foreach (var (model, c) in Slow.Keys) data.Add(model, c);
        return data;
    }

    [Theory]
    [Trait("Category", "Long")]
    [MemberData(nameof(SlowCases))]
    public Task Every_slow_compressed_real_model_loads_and_runs_in_onnx_runtime_with_finite_outputs_close_to_the_original(string model, string recipe) =>
        Every_compressed_real_model_loads_and_runs_in_onnx_runtime_with_finite_outputs_close_to_the_original(model, recipe);

    [Fact]
    public void The_cases_cover_every_quantization_mode()
    {
        Assert.Equal(Enum.GetValues<QuantizationMode>().Length, QuantizationModes.Count);
        Assert.All(QuantizationModes, m => RecipeOptions.Apply(Recipe.Identity, new Dictionary<string, string> { ["Quantization"] = m }));
    }

    [Theory]
    [MemberData(nameof(All))]
    public async Task Every_compressed_real_model_loads_and_runs_in_onnx_runtime_with_finite_outputs_close_to_the_original(string model, string recipe)
    {
        using var temp = new TempFolder("ort-acceptance");
        var original = TestAssets.RealModel(model).RequirePath();
        var calibration = await CalibrationAsync(model, temp);
        var validation = await ValidationAsync(model, temp);
        var (profile, overrides) = recipe.Split(':') switch
        {
            ["profile", var name] => (name, new Dictionary<string, string>()),
            ["quantization", var word] => (ModelCompressor.IdentityProfile, new Dictionary<string, string> { ["Quantization"] = word }),
            _ => throw new ArgumentException($"unknown case {recipe}", nameof(recipe)),
        };
        var request = new CompressionRequest(original, temp.Combine("compressed.onnx"), profile) { Overrides = overrides, CalibrationData = calibration };
        var watch = Stopwatch.StartNew();
        var job = ModelCompressor.Prepare(request);
        var result = ModelCompressor.Run(job, Packing.ModelPacking.PathFor(request.OutputPath, job.Plan.Recipe.Packing));
        var compressSeconds = watch.Elapsed.TotalSeconds;
        var mode = job.Plan.Recipe.Quantization;
        // Calibration data is given, so no profile falls back; an old-IR model's load-time normalization still says so.
        var normalization = job.Plan.Steps.Where(s => s.Kind == StepKind.Normalization).Select(s => s.Warning).ToList();
        Assert.DoesNotContain(result.Warnings, w => !normalization.Contains(w));
        var compressed = Unpacked(result.Output, temp);

        watch.Restart();
        var samples = Directory.GetDirectories(validation).Order(StringComparer.Ordinal).ToList();
        using var reference = Session(original);
        using var actual = Session(compressed);
        Assert.Equal(reference.InputNames, actual.InputNames);
        Assert.Equal(reference.OutputNames, actual.OutputNames);
        var outputs = reference.OutputNames.Count;
        var dictionary = TestAssets.TextRecognizers.Any(m => m.Name == model)
            ? TextRecognition.ReadDictionary(TestAssets.RealModel(model).RequireCompanionPath())
            : null;
        var (readBefore, readAfter) = (new List<string>(), new List<string>());
        var signal = new double[outputs];
        var noise = new double[outputs];
        var cosine = new double[outputs];
        foreach (var sample in samples)
        {
            var expected = Run(reference, sample);
            var got = Run(actual, sample);
            for (var o = 0; o < outputs; o++)
            {
                var name = reference.OutputNames[o];
                Assert.Equal(expected[o].Shape, got[o].Shape);
                Assert.True(got[o].Values.All(float.IsFinite), $"{name} has a non-finite value on {Path.GetFileName(sample)}");
                double dot = 0, ee = 0, gg = 0;
                for (var i = 0; i < expected[o].Values.Length; i++)
                {
                    double e = expected[o].Values[i], g = got[o].Values[i];
                    signal[o] += e * e;
                    noise[o] += (e - g) * (e - g);
                    dot += e * g;
                    ee += e * e;
                    gg += g * g;
                }
                cosine[o] += (ee == 0 && gg == 0 ? 1 : dot / Math.Sqrt(ee * gg)) / samples.Count;
            }
            if (dictionary is null) continue;
            readBefore.Add(TextRecognition.Decode(expected[0].Values, expected[0].Shape, dictionary));
            readAfter.Add(TextRecognition.Decode(got[0].Values, got[0].Shape, dictionary));
        }
        var runSeconds = watch.Elapsed.TotalSeconds;

        var sqnr = signal.Zip(noise, (s, n) => n == 0 ? double.PositiveInfinity : 10 * Math.Log10(s / n)).ToArray();
        var floor = FloorDb(mode);
        _output.WriteLine($"{model} {recipe} ({result.Recipe}): {result.Ratio:F2}x, compressed in {compressSeconds:F1} s, ORT {runSeconds:F1} s on {samples.Count} sample(s); " +
            string.Join("; ", reference.OutputNames.Select((n, o) => $"{n}: {sqnr[o]:F1} dB, cosine {cosine[o]:F4}")) + $"; floor {floor} dB");
        if (dictionary is not null)
        {
            var labels = TextRecognition.ReadLabels(validation);
            var before = TextRecognition.Score(readBefore, labels).CharacterAccuracy;
            var after = TextRecognition.Score(readAfter, labels).CharacterAccuracy;
            _output.WriteLine($"character accuracy {before:F4} -> {after:F4}: {string.Join(" | ", readAfter)}");
            Assert.True(after >= before - MaxCharacterAccuracyLoss,
                $"character accuracy {after:F4}, the original's {before:F4}: more than {MaxCharacterAccuracyLoss} lost; read '{string.Join("', '", readAfter)}'");
            return;
        }
        if (KnownFidelityGaps.TryGetValue((model, mode), out var gap))
        {
            // Loads, runs and is finite, but is known to miss its floor: the gap stays visible and, once fixed, fails
            // here so that its entry is removed.
            Assert.True(sqnr.Min() < floor, $"{model} {mode} now reaches the {floor} dB floor ({sqnr.Min():F1} dB): remove it from {nameof(KnownFidelityGaps)} ({gap})");
            return;
        }
        for (var o = 0; o < outputs; o++)
            Assert.True(sqnr[o] >= floor, $"{reference.OutputNames[o]}: SQNR {sqnr[o]:F1} dB under the {floor} dB floor of {mode}");
    }

    /// <summary>
    /// Models and modes whose results load and run in ONNX Runtime but are known to miss the mode's floor, with why.
    /// None today: static int8 on the BERT encoder, which kept about 4 dB (cosine 0.82), now keeps float the nodes whose
    /// one range per tensor cannot hold the hidden states' outlier dimensions, found by measurement
    /// (SensitivityFallback; docs/quantization.md).
    /// </summary>
    private static readonly Dictionary<(string Model, QuantizationMode Mode), string> KnownFidelityGaps = new()
    {
    };

    /// <summary>
    /// The loose SQNR floor per quantization mode over the validation samples. none: the identity writes the same graph,
    /// so the outputs are ONNX Runtime's own (no noise). fp16: 11 significant bits are about 66 dB a rounding, and the
    /// real models measured 48 dB and more; 35 dB fails a value flushed to zero or overflowed. int8-weight: 8-bit
    /// weights per channel measured 14 dB on the worst output of these models (BlazeFace's anchor logits); 10 dB.
    /// int8 (static) and int8-dynamic also quantize activations, one range per tensor, and measured about 9 dB at worst
    /// (BlazeFace back, dynamic); 5 dB. int4-weight in blocks of 32 is known to leave BlazeFace's 1×1 convolutions
    /// unusable (−3.5 dB, Int4WeightPassTests), so its floor only says the outputs are not orders of magnitude off:
    /// −6 dB, an error power under four times the signal's. Below each floor a model is broken, not merely coarse.
    /// </summary>
    private static double FloorDb(QuantizationMode mode) => mode switch
    {
        QuantizationMode.None => 100,
        QuantizationMode.Fp16 => 35,
        QuantizationMode.Int8Weight => 10,
        QuantizationMode.Int8 or QuantizationMode.Int8Dynamic => 5,
        QuantizationMode.Int4Weight => -6,
        _ => throw new ArgumentOutOfRangeException(nameof(mode), mode, null),
    };

    private static async Task<string> CalibrationAsync(string model, TempFolder temp)
    {
        if (model == TestAssets.Models.MiniLm.Name)
            return SentenceDataSets.Write(TestAssets.Models.MiniLm, temp.CreateFolder("calibration"), CalibrationSamples);
        if (model != TestAssets.Models.HelloDeepa.Name) return await RealDataSets.GetAsync(model, CalibrationSamples);
        // The wake-word head has no real data set (its inputs are another model's embeddings): numpy's seeded ones.
        var folder = temp.CreateFolder("calibration");
        for (var i = 0; i < CalibrationSamples; i++)
            await ModelInputs.GenerateAsync(TestAssets.Models.HelloDeepa.RequirePath(), temp.CreateFolder("calibration", $"sample_{i:000}"), seed: i);
        return folder;
    }

    /// <summary>Samples disjoint from the calibration set: later rendered samples, later sentences, hello-deepa's one real input.</summary>
    private static async Task<string> ValidationAsync(string model, TempFolder temp)
    {
        if (model == TestAssets.Models.MiniLm.Name)
            return SentenceDataSets.Write(TestAssets.Models.MiniLm, temp.CreateFolder("validation"), ValidationSamples, first: 8);
        if (model != TestAssets.Models.HelloDeepa.Name) return await RealDataSets.GetAsync(model, ValidationSamples, first: 100);
        var folder = temp.CreateFolder("validation");
        await RealInputs.WriteAsync(model, temp.CreateFolder("validation", "sample_000"));
        return folder;
    }

    /// <summary>A packed result (mobile: Brotli) is decoded as the app's accessor decodes it before ONNX Runtime sees it.</summary>
    private static string Unpacked(string output, TempFolder temp)
    {
        if (!output.EndsWith(".br", StringComparison.Ordinal)) return output;
        var unpacked = temp.Combine("unpacked.onnx");
        using (var packed = File.OpenRead(output))
        using (var brotli = new BrotliStream(packed, CompressionMode.Decompress))
        using (var file = File.Create(unpacked))
            brotli.CopyTo(file);
        return unpacked;
    }

    private static InferenceSession Session(string model)
    {
        using var options = new SessionOptions
        {
            GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_ALL,
            IntraOpNumThreads = 1,
            InterOpNumThreads = 1,
            ExecutionMode = ExecutionMode.ORT_SEQUENTIAL,
            LogSeverityLevel = OrtLoggingLevel.ORT_LOGGING_LEVEL_ERROR,
        };
        return new InferenceSession(model, options);
    }

    /// <summary>One sample through a session: inputs matched by name (<c>NAME.npy</c>) or position (<c>input_i.npy</c>).</summary>
    private static List<(long[] Shape, float[] Values)> Run(InferenceSession session, string sample)
    {
        var inputs = new Dictionary<string, OrtValue>(StringComparer.Ordinal);
        try
        {
            for (var i = 0; i < session.InputNames.Count; i++)
            {
                var name = session.InputNames[i];
                var file = Path.Combine(sample, $"{name}.npy");
                if (!File.Exists(file)) file = Path.Combine(sample, $"input_{i}.npy");
                var tensor = NpyFile.Read(file);
                var shape = tensor.Dims.ToArray();
                inputs[name] = (DataType)tensor.DataType switch
                {
                    DataType.Float => OrtValue.CreateTensorValueFromMemory(TensorData.Read<float>(tensor), shape),
                    DataType.Int64 => OrtValue.CreateTensorValueFromMemory(TensorData.Read<long>(tensor), shape),
                    var other => throw new InvalidOperationException($"{file}: no test input of type {other}"),
                };
            }
            using var runOptions = new RunOptions();
            using var results = session.Run(runOptions, inputs, session.OutputNames);
            return results.Select((value, o) =>
            {
                var info = value.GetTensorTypeAndShape();
                Assert.True(info.ElementDataType == Microsoft.ML.OnnxRuntime.Tensors.TensorElementType.Float, $"{session.OutputNames[o]} is {info.ElementDataType}, not float");
                return (info.Shape, value.GetTensorDataAsSpan<float>().ToArray());
            }).ToList();
        }
        finally
        {
            foreach (var value in inputs.Values) value.Dispose();
        }
    }
}

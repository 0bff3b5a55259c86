using System.Security.Cryptography;
using Compression.Engine.Budget;
using Compression.Engine.Pipeline;
using Compression.Testing;

namespace Compression.Engine.Tests.Pipeline;

/// <summary>
/// The bytes every built-in profile and every technique writes for each real model, pinned by SHA-256 in
/// compressed-bytes.sha256. The engine promises the same bytes for the same inputs on any machine, so a change here is
/// a change in what users ship: a refactor must leave every line as it is, and a fix that changes bytes updates the
/// lines it changes, bumps <see cref="Caching.CacheKey.EngineFormat"/> and says so in docs/decisions.md.
/// Regenerate with COMPRESSION_UPDATE_BYTES=1 (each case appends its line to compressed-bytes.sha256.new in the test
/// output folder; sort it over the manifest).
/// </summary>
public class CompressedBytesTests
{
    private const int CalibrationSamples = 4;

    /// <summary>A case: the profile, the option overrides, whether it gets calibration data, and an accuracy budget.</summary>
    public sealed record Case(string Name, string Profile, string Overrides = "", bool Calibrated = false, string MinFidelityDb = "");

    public static IReadOnlyList<Case> Cases { get; } =
    [
        new("portable", "portable"),
        new("desktop-x64", "desktop-x64", Calibrated: true),
        new("desktop-x64-without-data", "desktop-x64"),
        new("mobile", "mobile", Calibrated: true),
        new("gpu", "gpu"),
        new("gpu-calibrated", "gpu", Calibrated: true),
        new("none", "none"),
        new("int8-static-int8-entropy", "none", "Quantization=int8;ActivationType=int8;CalibrationMethod=entropy", Calibrated: true),
        new("int8-dynamic", "none", "Quantization=int8-dynamic"),
        new("int8-dynamic-reduce-range", "none", "Quantization=int8-dynamic;ReduceRange=true"),
        new("int4-weight", "none", "Quantization=int4-weight;BlockSize=64"),
        new("prune-0.5-global", "none", "Pruning=0.5;PruningScope=global"),
        new("prune-2of4-int8-weight", "none", "Pruning=2:4;Quantization=int8-weight"),
        new("prune-channels", "none", "Pruning=channels:0.3", Calibrated: true),
        new("low-rank", "none", "LowRank=energy:0.95", Calibrated: true),
        new("share-16-channel", "none", "WeightSharing=16;SharingScope=channel"),
        new("int8-weight-brotli", "none", "Quantization=int8-weight;Packing=brotli"),
        new("budget-int8", "none", "Quantization=int8", Calibrated: true, MinFidelityDb: "25"),
    ];

    public static TheoryData<string, string> All()
    {
        var data = new TheoryData<string, string>();
        foreach (var model in TestAssets.RealModels)
            foreach (var c in Cases) data.Add(model.Name, c.Name);
        return data;
    }

    private static readonly Lock UpdateLock = new();

    [Theory]
    [MemberData(nameof(All))]
    public async Task Every_real_model_and_recipe_gives_the_pinned_bytes(string modelName, string caseName)
    {
        var c = Cases.Single(x => x.Name == caseName);
        using var temp = new TempFolder("bytes");
        var model = TestAssets.RealModel(modelName).RequirePath();
        var data = c.Calibrated || c.MinFidelityDb.Length > 0 ? await DataSet(modelName, temp) : null;
        var overrides = c.Overrides.Split(';', StringSplitOptions.RemoveEmptyEntries)
            .Select(o => o.Split('=')).ToDictionary(o => o[0], o => o[1]);
        var request = new CompressionRequest(model, temp.Combine("out.onnx"), c.Profile)
        {
            Overrides = overrides,
            CalibrationData = c.Calibrated ? data : null,
            ValidationData = c.MinFidelityDb.Length > 0 ? data : null,
            Budget = AccuracyBudget.Parse(null, c.MinFidelityDb),
        };
        string actual;
        try
        {
            var result = ModelCompressor.Compress(request);
            actual = Convert.ToHexString(SHA256.HashData(File.ReadAllBytes(result.Output))).ToLowerInvariant();
        }
        catch (BudgetExceededException)
        {
            actual = "budget-exceeded";
        }

        var line = $"{modelName} {caseName} {actual}";
        if (Environment.GetEnvironmentVariable("COMPRESSION_UPDATE_BYTES") == "1")
        {
            lock (UpdateLock) File.AppendAllLines(Path.Combine(AppContext.BaseDirectory, "compressed-bytes.sha256.new"), [line]);
            return;
        }
        var expected = File.ReadLines(Path.Combine(AppContext.BaseDirectory, "Pipeline", "compressed-bytes.sha256"))
            .SingleOrDefault(l => l.StartsWith($"{modelName} {caseName} ", StringComparison.Ordinal));
        Assert.Equal(expected, line);
    }

    /// <summary>Real rendered inputs where the tests have them; the wake-word model gets numpy's seeded inputs.</summary>
    private static async Task<string> DataSet(string modelName, TempFolder temp)
    {
        if (modelName != TestAssets.Models.HelloDeepa.Name) return await RealDataSets.GetAsync(modelName, CalibrationSamples);
        var folder = temp.CreateFolder("data");
        for (var i = 0; i < CalibrationSamples; i++)
            await ModelInputs.GenerateAsync(TestAssets.Models.HelloDeepa.RequirePath(), temp.CreateFolder("data", $"sample_{i:000}"), seed: i);
        return folder;
    }
}

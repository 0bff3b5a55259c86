using Compression.Evaluation.DataSets;
using Compression.Evaluation.Tests.RealModels;
using Compression.Testing;

namespace Compression.Evaluation.Tests.Determinism;

/// <summary>
/// The executor's promise (DESIGN.md, "Cache and determinism"): the same model and inputs give the same bits whatever
/// the thread count and whatever SIMD the machine has. The SIMD side is checked by running the real modelc with the
/// JIT told to ignore AVX-512, AVX2, or every hardware intrinsic, as an older or different CPU would be treated.
/// </summary>
public sealed class RealModelDeterminismTests
{
    /// <summary>JIT switches that stand in for other machines: without AVX-512, without AVX2, without any SIMD.</summary>
    public static IReadOnlyList<string> JitSwitches { get; } = ["DOTNET_EnableAVX512F", "DOTNET_EnableAVX2", "DOTNET_EnableHWIntrinsic"];

    [Theory]
    [MemberData(nameof(TestAssets.RealModelNames), MemberType = typeof(TestAssets))]
    public async Task One_and_two_threads_give_bit_identical_outputs(string name)
    {
        using var temp = new TempFolder("determinism-threads");
        var inputs = temp.CreateFolder("inputs");
        var model = await RealModelRun.PrepareAsync(name, inputs);

        var (names, one) = RealModelRun.Run(model, inputs, threads: 1);
        var (_, two) = RealModelRun.Run(model, inputs, threads: 2);

        AssertSameFiles(name, "2 threads",
            OutputFiles.Write(temp.Combine("one"), names, one),
            OutputFiles.Write(temp.Combine("two"), names, two));
    }

    [Theory]
    [MemberData(nameof(TestAssets.RealModelNames), MemberType = typeof(TestAssets))]
    public async Task Modelc_gives_bit_identical_outputs_with_simd_turned_off(string name)
    {
        using var temp = new TempFolder("determinism-jit");
        var inputs = temp.CreateFolder("inputs");
        var model = await RealModelRun.PrepareAsync(name, inputs);

        // One baseline, then each switch in its own process; every variant is checked before failing, to show them all.
        var baseline = await RunModelcAsync(model, inputs, temp.Combine("default"), null);
        var differing = new List<string>();
        foreach (var variable in JitSwitches)
        {
            var restricted = await RunModelcAsync(model, inputs, temp.Combine(variable), variable);
            differing.AddRange(Differences(baseline, restricted).Select(file => $"{file} with {variable}=0"));
        }
        Assert.True(differing.Count == 0, $"{name}: outputs differ from the default JIT's: {string.Join("; ", differing)}");
    }

    private static async Task<IReadOnlyList<string>> RunModelcAsync(string model, string inputs, string outputs, string? disabled)
    {
        var modelc = TestAssets.Require(Path.Combine(AppContext.BaseDirectory, "modelc.dll"));
        // Every JIT switch is set explicitly so a variable inherited from the test host cannot blur the comparison.
        var environment = new Dictionary<string, string?>
        {
            ["DOTNET_EnableAVX512F"] = null,
            ["DOTNET_EnableAVX2"] = null,
            ["DOTNET_EnableHWIntrinsic"] = null,
        };
        if (disabled is not null) environment[disabled] = "0";
        var result = await ProcessRunner.RunAsync("dotnet", [modelc, "run", model, "--inputs", inputs, "--outputs", outputs],
            TimeSpan.FromMinutes(5), environment);
        Assert.True(result.ExitCode == 0, $"modelc run ({disabled ?? "default JIT"}) exited {result.ExitCode}: {result.StandardError.Trim()}");
        return Directory.GetFiles(outputs, "output_*.npy").Order(StringComparer.Ordinal).ToList();
    }

    private static void AssertSameFiles(string name, string variant, IReadOnlyList<string> expected, IReadOnlyList<string> actual)
    {
        var differing = Differences(expected, actual);
        Assert.True(differing.Count == 0, $"{name}: {string.Join(", ", differing)} differ(s) with {variant}");
    }

    /// <summary>The output files whose bytes differ (a missing or extra file counts).</summary>
    private static List<string> Differences(IReadOnlyList<string> expected, IReadOnlyList<string> actual)
    {
        Assert.NotEmpty(expected);
        var names = expected.Select(Path.GetFileName).ToList();
        if (!names.SequenceEqual(actual.Select(Path.GetFileName)))
            return [$"the file sets ({string.Join(", ", names)} vs {string.Join(", ", actual.Select(Path.GetFileName))})"];
        return expected.Zip(actual)
            .Where(p => !File.ReadAllBytes(p.First).AsSpan().SequenceEqual(File.ReadAllBytes(p.Second)))
            .Select(p => Path.GetFileName(p.First)!)
            .ToList();
    }
}

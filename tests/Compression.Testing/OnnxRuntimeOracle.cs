using System.Globalization;
using System.Text.Json;

namespace Compression.Testing;

/// <summary>How the oracle runs a model. Defaults: ORT's full graph optimization, one intra-op thread.</summary>
public sealed record OracleOptions
{
    public int Threads { get; init; } = 1;

    /// <summary>ORT's graphOptimizationLevel: "all", "extended", "basic" or "disabled".</summary>
    public string Optimization { get; init; } = "all";

    /// <summary>When set, ORT saves the optimized graph here (to see what ORT fused).</summary>
    public string? OptimizedModelOut { get; init; }

    public TimeSpan Timeout { get; init; } = TimeSpan.FromMinutes(3);
}

/// <summary>One output the oracle wrote, in model output order.</summary>
public sealed record OracleOutput(string Name, string Path, IReadOnlyList<long> Shape, string DType);

/// <summary>What one oracle run produced.</summary>
/// <param name="Json">The script's full JSON report (inputs, outputs, sessionMs, runMs, latency).</param>
public sealed record OracleResult(IReadOnlyList<OracleOutput> Outputs, double RunMilliseconds, JsonElement Json)
{
    public IReadOnlyList<string> OutputFiles => Outputs.Select(o => o.Path).ToList();
}

/// <summary>
/// ONNX Runtime 1.30 (npm onnxruntime-node) as a reference: runs Oracle/ort-run.mjs in node with inputs and outputs as
/// .npy files named as for `modelc run`. Out of process because no ONNX Runtime NuGet package is reachable here, and so
/// a native crash in ORT fails one test instead of the test host.
/// </summary>
public static class OnnxRuntimeOracle
{
    /// <summary>Overrides the node executable (default: node on PATH).</summary>
    public const string NodeVariable = "COMPRESSION_NODE";

    /// <summary>Runs the model once; throws with the oracle's stderr when it fails.</summary>
    public static async Task<OracleResult> RunAsync(string model, string inputsFolder, string outputsFolder, OracleOptions? options = null)
    {
        options ??= new OracleOptions();
        var result = await RunRawAsync(Arguments(model, inputsFolder, options, ["--outputs", outputsFolder]), options.Timeout).ConfigureAwait(false);
        var json = ParseReport(result, model);
        var outputs = json.GetProperty("outputs").EnumerateArray()
            .Select(o => new OracleOutput(
                o.GetProperty("name").GetString()!,
                Path.Combine(outputsFolder, o.GetProperty("file").GetString()!),
                o.GetProperty("shape").EnumerateArray().Select(d => d.GetInt64()).ToList(),
                o.GetProperty("dtype").GetString()!))
            .ToList();
        return new OracleResult(outputs, json.GetProperty("runMs").GetDouble(), json);
    }

    /// <summary>
    /// Runs the model once per sample of a data set (DESIGN.md layout) in one session; returns each sample's output
    /// files (output_&lt;i&gt;.npy, in model output order), samples in ordinal order.
    /// </summary>
    public static async Task<IReadOnlyList<IReadOnlyList<string>>> RunDataSetAsync(string model, string dataSet, string outputsFolder, OracleOptions? options = null)
    {
        options ??= new OracleOptions();
        List<string> args = ["--model", model, "--data-set", dataSet, "--outputs", outputsFolder,
            "--threads", options.Threads.ToString(CultureInfo.InvariantCulture), "--optimization", options.Optimization];
        var json = ParseReport(await RunRawAsync(args, options.Timeout).ConfigureAwait(false), model);
        var outputs = json.GetProperty("outputs").GetArrayLength();
        return json.GetProperty("samples").EnumerateArray()
            .Select(sample => (IReadOnlyList<string>)Enumerable.Range(0, outputs)
                .Select(i => Path.Combine(outputsFolder, sample.GetString()!, $"output_{i}.npy")).ToList())
            .ToList();
    }

    /// <summary>
    /// The median time in ms of <paramref name="iterations"/> runs after <paramref name="warmup"/> untimed ones,
    /// in one session (model load excluded).
    /// </summary>
    public static async Task<double> MeasureLatencyAsync(string model, string inputsFolder, int iterations, int warmup = 3, OracleOptions? options = null)
    {
        options ??= new OracleOptions();
        var result = await RunRawAsync(
            Arguments(model, inputsFolder, options, [
                "--latency", iterations.ToString(CultureInfo.InvariantCulture),
                "--warmup", warmup.ToString(CultureInfo.InvariantCulture)]),
            options.Timeout).ConfigureAwait(false);
        return ParseReport(result, model).GetProperty("latency").GetProperty("medianMs").GetDouble();
    }

    /// <summary>
    /// Runs ort-run.mjs with raw arguments and returns exit code and output without judging them: for tests of
    /// the oracle's own error handling.
    /// </summary>
    public static Task<ProcessResult> RunRawAsync(IEnumerable<string> arguments, TimeSpan? timeout = null)
    {
        TestAssets.Require(TestAssets.OracleScript);
        TestAssets.Require(Path.Combine(TestAssets.OnnxRuntimeFolder, "node_modules", "onnxruntime-node", "package.json"));
        var node = Environment.GetEnvironmentVariable(NodeVariable) is { Length: > 0 } custom ? custom : "node";
        return ProcessRunner.RunAsync(
            node,
            [TestAssets.OracleScript, .. arguments],
            timeout ?? new OracleOptions().Timeout,
            new Dictionary<string, string?> { ["COMPRESSION_ORT_DIR"] = TestAssets.OnnxRuntimeFolder });
    }

    private static List<string> Arguments(string model, string inputsFolder, OracleOptions options, IEnumerable<string> extra)
    {
        List<string> args =
        [
            "--model", model,
            "--inputs", inputsFolder,
            "--threads", options.Threads.ToString(CultureInfo.InvariantCulture),
            "--optimization", options.Optimization,
        ];
        if (options.OptimizedModelOut is not null) args.AddRange(["--optimized-model-out", options.OptimizedModelOut]);
        args.AddRange(extra);
        return args;
    }

    private static JsonElement ParseReport(ProcessResult result, string model)
    {
        if (result.ExitCode != 0)
        {
            throw new InvalidOperationException(
                $"ONNX Runtime oracle failed on {model} (exit code {result.ExitCode}): {result.StandardError.Trim()}");
        }
        var line = result.StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).LastOrDefault()
            ?? throw new InvalidOperationException($"ONNX Runtime oracle printed no report for {model}. stderr: {result.StandardError.Trim()}");
        using var document = JsonDocument.Parse(line);
        // Clone: the element must outlive the document it came from.
        return document.RootElement.Clone();
    }
}

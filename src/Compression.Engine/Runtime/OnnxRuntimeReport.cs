namespace Compression.Engine.Runtime;

/// <summary>
/// What the ONNX Runtime check found for one compressed model (<see cref="Pipeline.CompressionResult.OnnxRuntime"/>):
/// which ONNX Runtime (its version, and where it came from in words), whether the model was checked (and why not,
/// in <see cref="Note"/>), the build machine, and ORT's latency there, original against compressed.
/// </summary>
/// <param name="Version">The loaded native library's version (ORT's own answer), else the version that was wanted.</param>
/// <param name="Source">e.g. "the project's Microsoft.ML.OnnxRuntime 1.31.1", "pinned by Compression.Build 1.32.0 (the project references no ONNX Runtime)".</param>
/// <param name="Checked">Whether ORT loaded and ran the compressed model.</param>
internal sealed record OnnxRuntimeReport(string Version, string Source, bool Checked)
{
    /// <summary>
    /// Why the model was not checked, as a sentence: "ONNX Runtime check turned off (ModelCompressionOnnxRuntimeCheck=false)",
    /// "ONNX Runtime check skipped: ..." (no binary for the host, not restored, failed to load); null when it was.
    /// </summary>
    public string? Note { get; init; }

    /// <summary>The build machine: "&lt;CPU&gt;, N logical cores".</summary>
    public string Machine { get; init; } = "";

    /// <summary>ORT's latency on the build machine; null when not measured.</summary>
    public OnnxRuntimeLatency? Latency { get; init; }

    /// <summary>The one line the report and <c>modelc compress</c> print about the runtime.</summary>
    public string Describe() => Checked
        ? $"ONNX Runtime {Version} ({Source}) loaded and ran the compressed model; measured on the build machine: {Machine}"
        : Note ?? "ONNX Runtime check not done";
}

/// <summary>
/// ORT's median latency of warm runs (CPU provider, default graph optimizations) on the build machine, at one
/// intra-op thread and at <see cref="Threads"/> (all logical cores), each model run <see cref="Runs"/> times per
/// setting, original and compressed interleaved. A report number only: it never changes the model's bytes.
/// </summary>
internal sealed record OnnxRuntimeLatency(int Threads, int Runs, double OriginalMsOneThread, double CompressedMsOneThread,
    double OriginalMsAllThreads, double CompressedMsAllThreads)
{
    /// <summary>"4.10 → 2.00 ms (2.05x) at 1 thread, 1.20 → 0.80 ms (1.50x) at 2 threads, median of 15 warm runs".</summary>
    public string Describe() =>
        $"{OneThread()} at 1 thread, {AllThreads()} at {Threads} threads, median of {Runs}{(Runs < OrtLatency.MaxRuns ? " or more" : "")} warm runs";

    /// <summary>"4.10 → 2.00 ms (2.05x)".</summary>
    public string OneThread() => Pair(OriginalMsOneThread, CompressedMsOneThread);

    public string AllThreads() => Pair(OriginalMsAllThreads, CompressedMsAllThreads);

    private static string Pair(double original, double compressed) => $"{Ms(original)} → {Ms(compressed)} ms ({Speedup(original, compressed)})";

    /// <summary>Two decimals, three below 1 ms (a small model runs in microseconds).</summary>
    private static string Ms(double ms) => ms.ToString(ms < 1 ? "F3" : "F2", System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>The speed ratio original / compressed, e.g. "2.05x" (above 1: the compressed model is faster).</summary>
    public static string Speedup(double original, double compressed) =>
        compressed <= 0 ? "—" : FormattableString.Invariant($"{original / compressed:F2}x");
}

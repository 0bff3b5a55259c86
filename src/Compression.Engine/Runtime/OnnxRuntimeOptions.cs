namespace Compression.Engine.Runtime;

/// <summary>
/// What a compression asks of ONNX Runtime: the check (on unless turned off; then <see cref="OffNote"/> says how it was
/// turned off), ORT's latency (a report number; tests that do not test the runtime leave it out, the check stays), and
/// which runtime (null: the tool's choice, <see cref="OnnxRuntimeResolver.ForTool"/>).
/// </summary>
internal sealed record OnnxRuntimeOptions(bool Check = true, bool MeasureLatency = true, OnnxRuntimeChoice? Choice = null)
{
    public static OnnxRuntimeOptions Default { get; } = new();

    /// <summary>Checked, not timed: what the engine's unit tests use.</summary>
    public static OnnxRuntimeOptions CheckOnly { get; } = new(MeasureLatency: false);

    /// <summary>How the check was turned off, for the report.</summary>
    public string OffNote { get; init; } = "ONNX Runtime check turned off (ModelCompressionOnnxRuntimeCheck=false)";

    /// <summary>Turned off as <paramref name="how"/> says ("ModelCompressionOnnxRuntimeCheck=false", "--no-onnxruntime-check").</summary>
    public static OnnxRuntimeOptions Off(string how) => new(Check: false, MeasureLatency: false) { OffNote = $"ONNX Runtime check turned off ({how})" };
}

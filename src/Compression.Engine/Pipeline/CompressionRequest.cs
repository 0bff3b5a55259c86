namespace Compression.Engine.Pipeline;

/// <summary>
/// One model to compress: where it is, where the result goes, the profile whose recipe applies, and option values
/// (by metadata name or CLI flag, e.g. Quantization=fp16) that override single fields of that recipe.
/// </summary>
internal sealed record CompressionRequest(string ModelPath, string OutputPath, string Profile)
{
    public IReadOnlyDictionary<string, string> Overrides { get; init; } = new Dictionary<string, string>();

    /// <summary>A data-set folder (docs/calibration.md layout) static int8 calibrates on; null for none.</summary>
    public string? CalibrationData { get; init; }

    /// <summary>A data-set folder fidelity is measured on; null for seeded synthetic inputs.</summary>
    public string? ValidationData { get; init; }

    /// <summary>The ONNX Runtime check and latency (<c>--onnxruntime</c>, <c>--no-onnxruntime-check</c>); both on by default.</summary>
    public Runtime.OnnxRuntimeOptions OnnxRuntime { get; init; } = Runtime.OnnxRuntimeOptions.Default;

    /// <summary>The accuracy budget measured on <see cref="ValidationData"/>; none by default.</summary>
    public Budget.AccuracyBudget Budget { get; init; } = Compression.Engine.Budget.AccuracyBudget.None;

    /// <summary>Shapes for the cost figures of inputs with dynamic dimensions (<c>--input-shape</c>); none by default.</summary>
    public IReadOnlyDictionary<string, int[]> InputShapes { get; init; } = new Dictionary<string, int[]>();
}

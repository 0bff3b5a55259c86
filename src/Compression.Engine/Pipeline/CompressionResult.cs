namespace Compression.Engine.Pipeline;

/// <summary>
/// What one compression did — the plan it ran, each step's report, sizes, fidelity, cost — as the compressor returns
/// it, the cache keeps it beside the model, the build's response carries it and the report prints it: one record, so
/// no field is copied by hand from one to the next.
/// </summary>
internal sealed record CompressionResult(
    string Model,
    string Output,
    string Profile,
    string Recipe,
    IReadOnlyList<PassReport> Passes,
    long OriginalBytes,
    long CompressedBytes)
{
    /// <summary>The resolved plan, one line a step (<see cref="CompressionPlan.Describe"/>).</summary>
    public IReadOnlyList<string> Plan { get; init; } = [];

    /// <summary>SHA-256 of the file written at <see cref="Output"/> (the packed bytes, with packing).</summary>
    public string Sha256 { get; init; } = "";

    /// <summary>Fidelity to the original measured with the executor, or null with <see cref="FidelityNote"/> saying why not.</summary>
    public Reporting.FidelityReport? Fidelity { get; init; }

    public string? FidelityNote { get; init; }

    /// <summary>Layers the accuracy budget kept back at full precision, with the fidelity each cost.</summary>
    public IReadOnlyList<string> KeptBack { get; init; } = [];

    /// <summary>The plan's fallbacks and what the passes warned about, each with its code.</summary>
    public IReadOnlyList<EngineWarning> Warnings { get; init; } = [];

    /// <summary>Multiply-accumulates per inference (Conv, ConvTranspose, Gemm, MatMul) where shapes are known: the device-independent cost.</summary>
    public long Macs { get; init; }

    /// <summary>The shapes <see cref="Macs"/> and <see cref="WeightBytesRead"/> were computed with for inputs with dynamic dimensions, and where each came from; empty when every input's shape is declared.</summary>
    public IReadOnlyList<Compression.Onnx.Summary.InputCostShape> CostShapes { get; init; } = [];

    /// <summary>Activation bytes one inference writes with <see cref="CostShapes"/>: with <see cref="WeightBytesRead"/>, the bytes it moves.</summary>
    public long ActivationBytes { get; init; }

    /// <summary>Weight bytes an inference reads at least: the device-independent memory traffic of the weights.</summary>
    public long WeightBytesRead { get; init; }

    /// <summary>Wall time of the compression on the build machine.</summary>
    public double CompressionMilliseconds { get; init; }

    /// <summary>What ONNX Runtime made of the compressed model (checked or why not, version, source, latency); null in entries made before the check.</summary>
    public Runtime.OnnxRuntimeReport? OnnxRuntime { get; init; }

    /// <summary>With <c>Packing</c>, the packed file's sizes against the original and the original packed alone; null without.</summary>
    public Packing.PackingReport? Packing { get; init; }

    /// <summary>The report of the step named <paramref name="name"/> (a technique or preprocessing step of the plan).</summary>
    public PassReport Pass(string name) => Passes.Single(p => p.Pass == name);

    public double Ratio => CompressedBytes == 0 ? 0 : (double)OriginalBytes / CompressedBytes;

    /// <summary>SHA-256 of the model the app reads: for a packed file, of what it decodes to.</summary>
    public string ModelSha256 => Packing?.ModelSha256 ?? Sha256;

    /// <summary>The size of the model the file decodes to (the compressed size when not packed).</summary>
    public long ModelBytes => Packing?.ModelBytes ?? CompressedBytes;
}

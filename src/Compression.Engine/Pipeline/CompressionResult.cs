namespace Compression.Engine.Pipeline;

/// <summary>What one compression did: the profile and recipe applied, each pass's report, and the file sizes.</summary>
public sealed record CompressionResult(
    string Model,
    string Output,
    string Profile,
    string Recipe,
    IReadOnlyList<PassReport> Passes,
    long OriginalBytes,
    long CompressedBytes)
{
    /// <summary>Fidelity to the original measured with the executor, or null with <see cref="FidelityNote"/> saying why not.</summary>
    public Reporting.FidelityReport? Fidelity { get; init; }

    public string? FidelityNote { get; init; }

    /// <summary>Layers the accuracy budget kept back at full precision, with the fidelity each cost.</summary>
    public IReadOnlyList<string> KeptBack { get; init; } = [];

    /// <summary>What the passes warned about (fallbacks), each with its code.</summary>
    public IReadOnlyList<EngineWarning> Warnings { get; init; } = [];

    /// <summary>Multiply-accumulates per inference (Conv, ConvTranspose, Gemm, MatMul) where shapes are known: the device-independent cost.</summary>
    public long Macs { get; init; }

    /// <summary>Weight bytes an inference reads at least: the device-independent memory traffic of the weights.</summary>
    public long WeightBytesRead { get; init; }

    /// <summary>Wall time of the compression on the build machine.</summary>
    public double CompressionMilliseconds { get; init; }

    /// <summary>With <c>Packing</c>, the packed file's sizes against the original and the original packed alone; null without.</summary>
    public Packing.PackingReport? Packing { get; init; }

    public double Ratio => CompressedBytes == 0 ? 0 : (double)OriginalBytes / CompressedBytes;
}

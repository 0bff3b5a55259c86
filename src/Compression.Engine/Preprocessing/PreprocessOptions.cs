using Compression.Engine.Preprocessing.ConstantFolding;
using Compression.Engine.Preprocessing.Equalization;

namespace Compression.Engine.Preprocessing;

/// <summary>Which preprocessing passes run before quantization, the constant-folding size rule and the equalization options.</summary>
internal sealed record PreprocessOptions
{
    public bool FoldConstants { get; init; } = true;

    public bool FoldBatchNormalization { get; init; } = true;

    public bool RemoveDeadCode { get; init; } = true;

    /// <summary>
    /// Cross-layer equalization after the folds (it needs BatchNormalization already inside the Conv weights). On by
    /// default: static int8 quantizes activations per tensor, and equalized channels lose far less to it (measured in
    /// docs/quantization.md, "Cross-layer equalization"); the float function stays the same.
    /// </summary>
    public bool Equalize { get; init; } = true;

    public EqualizationOptions Equalization { get; init; } = new();

    public ConstantFoldingOptions Folding { get; init; } = new();

    public static PreprocessOptions Default { get; } = new();
}

using Compression.Engine.Preprocessing.ConstantFolding;

namespace Compression.Engine.Preprocessing;

/// <summary>Which preprocessing passes run before quantization, and the constant-folding size rule.</summary>
public sealed record PreprocessOptions
{
    public bool FoldConstants { get; init; } = true;

    public bool FoldBatchNormalization { get; init; } = true;

    public bool RemoveDeadCode { get; init; } = true;

    public ConstantFoldingOptions Folding { get; init; } = new();

    public static PreprocessOptions Default { get; } = new();
}

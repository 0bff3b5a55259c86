namespace Compression.Engine.Recipes;

/// <summary>How weights (and activations) are quantized: the values of <c>Quantization</c> / <c>--quantization</c>.</summary>
internal enum QuantizationMode { None, Fp16, Int8Weight, Int8Dynamic, Int8, Int4Weight }

/// <summary>Which pruning, with its amount: <c>0.5</c> (unstructured fraction), <c>2:4</c> (N of every M), <c>channels:0.3</c>.</summary>
internal abstract record PruningSpec
{
    public sealed record Unstructured(double Sparsity) : PruningSpec;

    public sealed record NOfM(int N, int M) : PruningSpec;

    public sealed record Channels(double Fraction) : PruningSpec;
}

/// <summary>Low-rank factorization: keep singular values up to an energy fraction, or a fraction of the full rank.</summary>
internal abstract record LowRankSpec
{
    public sealed record Energy(double Fraction) : LowRankSpec;

    public sealed record Rank(double Fraction) : LowRankSpec;
}

/// <summary>Layer-wise distillation: never, always (CalibrationData required), or whenever the item has CalibrationData (the built-in profiles).</summary>
internal enum DistillationMode { None, Layerwise, Auto }

internal enum PackingMode { None, Brotli }

internal enum ActivationType { UInt8, Int8 }

/// <summary>How calibration turns observed activations into ranges.</summary>
internal abstract record CalibrationMethod
{
    public sealed record MinMax : CalibrationMethod;

    public sealed record Percentile(double Value) : CalibrationMethod;

    public sealed record Entropy : CalibrationMethod;

    /// <summary>The range with the least estimated quantization error of the value (<see cref="Calibration.MseRange"/>).</summary>
    public sealed record Mse : CalibrationMethod;
}

/// <summary>
/// Where pruning's counts are held: per layer, or over all layers under one threshold. Auto (the default) is global for
/// unstructured sparsity (LAMP's layer-normalized scores make layers comparable; a uniform share cuts sensitive small
/// layers as deep as redundant big ones) and per layer for channels, heads and feed-forward units, whose global choice
/// can remove the cheap classes and shrink the model far less than the fraction asked.
/// </summary>
internal enum PruningScope { Auto, Layer, Global }

internal enum SharingScope { Tensor, Channel }

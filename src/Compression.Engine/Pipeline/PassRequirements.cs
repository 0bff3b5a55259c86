using Compression.Engine.Recipes;

namespace Compression.Engine.Pipeline;

/// <summary>
/// What a pass needs before it runs, declared for the recipe it will carry out. The planner satisfies each requirement
/// (raises the opset, runs the preprocessing steps not run yet) or plans the fallback the pass names, before anything
/// runs, so the plan says exactly what a model will go through.
/// </summary>
internal sealed record PassRequirements
{
    public static PassRequirements None { get; } = new();

    /// <summary>The default-domain opset the pass writes operators of, and what runs when the model cannot be raised to it.</summary>
    public OpsetRequirement? Opset { get; init; }

    /// <summary>What runs when the item has no CalibrationData; null when the pass works without it as it is.</summary>
    public Fallback? WithoutCalibrationData { get; init; }

    /// <summary>Preprocessing the model must have had (in the plan before this pass, each step once).</summary>
    public PreprocessingNeeds Preprocessing { get; init; }

    /// <summary>The registered technique that takes what this pass leaves (int8-weight after int4), planned right after it.</summary>
    public string? ThenRest { get; init; }
}

/// <summary>
/// What the planner does instead of a pass: another recipe (static int8 without data becomes int8-weight), or the same
/// recipe in a weaker form (channel pruning without a refit); either way with a coded warning the build shows.
/// </summary>
internal sealed record Fallback(Recipe Recipe, string Code, string Message);

/// <summary>
/// A minimum default-domain opset: the planner raises the model to it with the opset converter, or when the converter
/// refuses, plans <paramref name="Fallback"/> (int8-weight, which works at any opset from 7) with <paramref name="Code"/>.
/// </summary>
/// <param name="Feature">What needs the opset, for the warning ("static int8").</param>
internal sealed record OpsetRequirement(long Minimum, Recipe Fallback, string Code, string Feature)
{
    public string Message(string whyNot) =>
        $"{Feature} needs opset {Minimum}: {whyNot}; the weights were quantized to int8 (int8-weight) instead.";
}

/// <summary>The preprocessing steps a pass can ask for (Preprocessing/); the planner runs them in this order.</summary>
[Flags]
internal enum PreprocessingNeeds
{
    None = 0,

    /// <summary>Constant nodes and shape chains over static shapes folded into initializers.</summary>
    FoldedConstants = 1,

    /// <summary>BatchNormalization (and constant per-channel scales) folded into the Conv/Gemm before it.</summary>
    FoldedBatchNormalization = 2,

    /// <summary>Cross-layer equalization of Conv/Gemm pairs (for activations quantized per tensor).</summary>
    EqualizedChannels = 4,

    /// <summary>Everything up to quantization of activations: all three.</summary>
    All = FoldedConstants | FoldedBatchNormalization | EqualizedChannels,

    /// <summary>What a weight-only form or pruning needs: the weights as they compute (BatchNormalization folded in).</summary>
    FoldedWeights = FoldedConstants | FoldedBatchNormalization,
}

using Compression.Engine.Quantization;
using Compression.Engine.Recipes;
using Compression.Onnx.Diagnostics;

namespace Compression.Engine.Pipeline;

/// <summary>
/// Turns a recipe into the ordered passes that carry it out, in the order each step needs from the one before:
/// structured pruning, low-rank factorization, unstructured or N:M pruning, distillation, weight sharing or
/// quantization, packing. A technique the engine does not implement yet is refused with MCB2004, never skipped.
/// </summary>
public static class PassPlan
{
    public static IReadOnlyList<ICompressionPass> For(Recipe recipe, string? file = null)
    {
        var passes = new List<ICompressionPass>();
        if (recipe.Pruning is PruningSpec.Channels) passes.Add(new Pruning.Structured.ChannelPruningPass());
        if (recipe.LowRank is not null) passes.Add(new LowRank.LowRankPass());
        switch (recipe.Pruning)
        {
            case PruningSpec.Unstructured: passes.Add(new Pruning.Unstructured.MagnitudePruningPass()); break;
            case PruningSpec.NOfM: passes.Add(new Pruning.Unstructured.NOfMPruningPass()); break;
        }
        if (recipe.Distillation != DistillationMode.None) throw NotYet("Distillation", RecipeOptions.Word(recipe.Distillation), file);
        // Weight sharing or quantization, one per tensor: shared weights are computed (Gather), so the quantization
        // passes, which take constant float weights, leave them as they are.
        if (recipe.WeightSharing is not null) passes.Add(new Sharing.WeightSharingPass());
        switch (recipe.Quantization)
        {
            case QuantizationMode.None: break;
            case QuantizationMode.Int8Weight: passes.Add(new Int8WeightPass()); break;
            case QuantizationMode.Fp16: passes.Add(new Fp16Pass()); break;
            case QuantizationMode.Int8: passes.Add(new Quantization.Static.StaticInt8Pass()); break;
            case QuantizationMode.Int8Dynamic: passes.Add(new Quantization.Dynamic.DynamicInt8Pass()); break;
            case QuantizationMode.Int4Weight: passes.Add(new Quantization.Int4.Int4WeightPass()); break;
            default: throw NotYet("Quantization", RecipeOptions.Format(recipe.Quantization), file);
        }
        // Packing is not a pass over the model: ModelCompressor entropy-codes the saved file (Packing/ModelPacking).
        return passes;
    }

    private static CompressionException NotYet(string option, string value, string? file) =>
        new(EngineErrorCodes.NotImplemented, $"{option}={value} is not available in this version of the engine yet.", file);
}

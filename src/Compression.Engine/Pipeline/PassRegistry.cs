using Compression.Engine.Quantization;
using Compression.Engine.Recipes;

namespace Compression.Engine.Pipeline;

/// <summary>
/// The whole pipeline as one list, in the order each step needs from the one before (docs/architecture.md): structured
/// pruning, low-rank factorization, unstructured or N:M pruning, weight sharing, then one quantization form. Weight
/// sharing and quantization take one tensor each: shared weights are computed (Gather), so the quantization passes,
/// which take constant float weights, leave them as they are. Adding a technique is a folder with its pass and one
/// line here. Packing is not a pass over the model: the compressor entropy-codes the saved file.
/// </summary>
public static class PassRegistry
{
    public static IReadOnlyList<PassRegistration> All { get; } =
    [
        new("prune-channels", r => r.Pruning is PruningSpec.Channels, () => new Pruning.Structured.ChannelPruningPass()),
        new("low-rank", r => r.LowRank is not null, () => new LowRank.LowRankPass()),
        new("prune-unstructured", r => r.Pruning is PruningSpec.Unstructured, () => new Pruning.Unstructured.MagnitudePruningPass()),
        new("prune-n-of-m", r => r.Pruning is PruningSpec.NOfM, () => new Pruning.Unstructured.NOfMPruningPass()),
        new("weight-sharing", r => r.WeightSharing is not null, () => new Sharing.WeightSharingPass()),
        new("int8-weight", r => r.Quantization == QuantizationMode.Int8Weight, () => new Int8WeightPass()),
        new("fp16", r => r.Quantization == QuantizationMode.Fp16, () => new Fp16Pass()),
        new("int8", r => r.Quantization == QuantizationMode.Int8, () => new Quantization.Static.StaticInt8Pass()),
        new("int8-dynamic", r => r.Quantization == QuantizationMode.Int8Dynamic, () => new Quantization.Dynamic.DynamicInt8Pass()),
        new("int4-weight", r => r.Quantization == QuantizationMode.Int4Weight, () => new Quantization.Int4.Int4WeightPass()),
    ];

    public static PassRegistration Get(string name) =>
        All.FirstOrDefault(r => r.Name == name) ?? throw new InvalidOperationException($"no technique '{name}' is registered");

    /// <summary>The recipe options techniques add beyond the built-in ones (<see cref="RecipeOptions.All"/> lists both).</summary>
    public static IEnumerable<RecipeOption> ExtensionOptions => All.SelectMany(r => r.Options);
}

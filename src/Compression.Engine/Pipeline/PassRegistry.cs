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
internal static class PassRegistry
{
    public static IReadOnlyList<PassRegistration> All { get; } =
    [
        new("prune-channels", r => r.Pruning is PruningSpec.Channels, () => new Pruning.Structured.ChannelPruningPass()) { Describe = r => $"{Format(r.Pruning)}, {Word(r.ResolvedPruningScope)} scope" },
        new("low-rank", r => r.LowRank is not null, () => new LowRank.LowRankPass()) { Describe = r => Format(r.LowRank) },
        new("prune-unstructured", r => r.Pruning is PruningSpec.Unstructured, () => new Pruning.Unstructured.MagnitudePruningPass()) { Describe = r => $"{Format(r.Pruning)}, {Word(r.ResolvedPruningScope)} scope" },
        new("prune-n-of-m", r => r.Pruning is PruningSpec.NOfM, () => new Pruning.Unstructured.NOfMPruningPass()) { Describe = r => Format(r.Pruning) },
        new("weight-sharing", r => r.WeightSharing is not null, () => new Sharing.WeightSharingPass()) { Describe = r => $"{r.WeightSharing} values per {Word(r.SharingScope)}" },
        new("int8-weight", r => r.Quantization == QuantizationMode.Int8Weight, () => new Int8WeightPass()) { Describe = r => $"int8 weights per channel{Reduced(r)}" },
        new("fp16", r => r.Quantization == QuantizationMode.Fp16, () => new Fp16Pass()) { Describe = _ => "float16 weights and activations, overflow-prone nodes kept float32" },
        new("int8", r => r.Quantization == QuantizationMode.Int8, () => new Quantization.Static.StaticInt8Pass()) { Describe = r => $"static int8 QDQ, {Word(r.ActivationType)} activations calibrated by {Format(r.CalibrationMethod)}{Reduced(r)}" },
        new("int8-dynamic", r => r.Quantization == QuantizationMode.Int8Dynamic, () => new Quantization.Dynamic.DynamicInt8Pass()) { Describe = r => $"DynamicQuantizeLinear + integer MatMul/Conv{Reduced(r)}" },
        new("int4-weight", r => r.Quantization == QuantizationMode.Int4Weight, () => new Quantization.Int4.Int4WeightPass()) { Describe = r => $"int4 weights in blocks of {r.BlockSize}" },
    ];

    public static PassRegistration Get(string name) =>
        All.FirstOrDefault(r => r.Name == name) ?? throw new InvalidOperationException($"no technique '{name}' is registered");

    private static string Format(PruningSpec? spec) => RecipeOptions.Format(spec);

    private static string Format(LowRankSpec? spec) => RecipeOptions.Format(spec);

    private static string Format(CalibrationMethod method) => RecipeOptions.Format(method);

    private static string Word<T>(T value) where T : struct, Enum => RecipeOptions.Word(value);

    private static string Reduced(Recipe recipe) => recipe.ReduceRange ? ", 7-bit (reduce range)" : "";

    /// <summary>The recipe options techniques add beyond the built-in ones (<see cref="RecipeOptions.All"/> lists both).</summary>
    public static IEnumerable<RecipeOption> ExtensionOptions => All.SelectMany(r => r.Options);
}

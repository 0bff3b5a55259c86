using System.Collections.Immutable;

namespace Compression.Engine.Recipes;

/// <summary>
/// What to do to one model: one choice per technique plus the technique options. A device profile supplies a recipe;
/// the item's metadata (or the CLI flags) override single fields. Immutable; its canonical JSON (<see cref="RecipeText"/>)
/// is part of the cache key, so two equal recipes always hash the same.
/// </summary>
internal sealed record Recipe
{
    public QuantizationMode Quantization { get; init; } = QuantizationMode.None;

    public PruningSpec? Pruning { get; init; }

    public LowRankSpec? LowRank { get; init; }

    /// <summary>Clusters per tensor or channel (2 to 256), or null for no weight sharing.</summary>
    public int? WeightSharing { get; init; }

    public DistillationMode Distillation { get; init; } = DistillationMode.None;

    public PackingMode Packing { get; init; } = PackingMode.None;

    public ActivationType ActivationType { get; init; } = ActivationType.UInt8;

    /// <summary>Static int8: 7-bit weights, for u8s8 integer kernels that can saturate on x64 CPUs without VNNI.</summary>
    public bool ReduceRange { get; init; }

    public CalibrationMethod CalibrationMethod { get; init; } = new CalibrationMethod.MinMax();

    /// <summary>Node names and operator types that keep full precision.</summary>
    public IReadOnlyList<string> Exclude { get; init; } = [];

    public int BlockSize { get; init; } = 32;

    public PruningScope PruningScope { get; init; } = PruningScope.Auto;

    /// <summary>The scope the pruning passes use: <see cref="PruningScope"/>, with auto resolved for the recipe's pruning.</summary>
    public PruningScope ResolvedPruningScope => PruningScope switch
    {
        PruningScope.Auto => Pruning is PruningSpec.Unstructured ? PruningScope.Global : PruningScope.Layer,
        var scope => scope,
    };

    public SharingScope SharingScope { get; init; } = SharingScope.Tensor;

    /// <summary>
    /// Initializers that are also graph inputs stay inputs callers may override, and no pass changes them; by default
    /// they are made constants on load (<see cref="Normalization.InitializerInputs"/>).
    /// </summary>
    public bool KeepInitializerInputs { get; init; }

    /// <summary>
    /// The options of techniques registered beyond the built-in ones (<see cref="RecipeOption.Extension"/>), by option
    /// name, in their canonical words; an option at its default is absent.
    /// </summary>
    public ImmutableSortedDictionary<string, string> Extensions { get; init; } = ImmutableSortedDictionary.Create<string, string>(StringComparer.Ordinal);

    /// <summary>The identity recipe: nothing changes.</summary>
    public static Recipe Identity { get; } = new();

    public bool IsIdentity => Equals(Identity);

    /// <summary>The identity, whether or not it keeps initializer inputs (with nothing compressed, they stay as they are).</summary>
    public bool CompressesNothing => (this with { KeepInitializerInputs = false }).IsIdentity;

    public bool Equals(Recipe? other) => other is not null && RecipeText.Format(this) == RecipeText.Format(other);

    public override int GetHashCode() => RecipeText.Format(this).GetHashCode(StringComparison.Ordinal);

    public override string ToString() => RecipeText.Summary(this);
}

namespace Compression.Engine.Pipeline;

/// <summary>What kind of step a plan holds; the report groups by it.</summary>
internal enum StepKind { Normalization, Fallback, OpsetConversion, Preprocessing, Technique, Distillation, Packing }

/// <summary>
/// One step of a resolved plan: what it is, a line for people, the warning it raises (fallbacks), and the pass that
/// carries it out over the working model (none for fallbacks, which only change what follows, and for packing, which
/// the compressor does to the saved file, and for normalization, done on load so the original and the compressed model
/// agree on what the model is).
/// </summary>
internal sealed record PlanStep(StepKind Kind, string Name, string Description)
{
    public EngineWarning? Warning { get; init; }

    /// <summary>Builds the pass for one run (a budget search runs a plan several times); null when nothing runs.</summary>
    public Func<CompressionContext, ICompressionPass>? Pass { get; init; }

    /// <summary>
    /// A technique the recipe asked for: when it changes nothing, the run warns (MCB2121). A pass that takes what
    /// another leaves (int8-weight after int4-weight) may rightly find nothing, and does not.
    /// </summary>
    public bool ExpectsChange { get; init; }

    /// <summary>The step as the report and <c>modelc compress --plan</c> print it, and as the cache key hashes it.</summary>
    public override string ToString() =>
        Warning is { } w ? $"{Name}: {Description} (warning {w.Code})" : $"{Name}: {Description}";
}

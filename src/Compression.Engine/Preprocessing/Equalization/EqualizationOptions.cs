namespace Compression.Engine.Preprocessing.Equalization;

/// <summary>How cross-layer equalization chooses and bounds its per-channel scales.</summary>
internal sealed record EqualizationOptions
{
    /// <summary>
    /// Activation ranges when calibration data is at hand (static int8 always has it), else weight ranges; see
    /// docs/quantization.md for the measurement behind the default.
    /// </summary>
    public EqualizationMethod Method { get; init; } = EqualizationMethod.ActivationRanges;

    /// <summary>
    /// The largest factor (and smallest, as its inverse) by which one channel may be rescaled in total. Large enough
    /// for the spreads real models show (a 1000:1 activation range needs ~30x), small enough that no float32 weight
    /// nears underflow or overflow.
    /// </summary>
    public double MaxScale { get; init; } = 1024;

    /// <summary>
    /// Rounds over all pairs at most. Chains (a layer that is the consumer of one pair and the producer of the next)
    /// converge geometrically; isolated pairs are done after one round.
    /// </summary>
    public int MaxRounds { get; init; } = 64;

    /// <summary>A round whose largest |ln s| is below this ends the iteration (scales moving by less than 0.01 %).</summary>
    public double Tolerance { get; init; } = 1e-4;

    /// <summary>
    /// A channel whose range is below this fraction of its tensor's largest is dead (all-zero weights, a channel
    /// Relu always cuts): it keeps scale 1 instead of being blown up toward the clamp by a division by ~0.
    /// </summary>
    public double DeadChannelFraction { get; init; } = 1e-8;
}

namespace Compression.Engine.Preprocessing.Equalization;

/// <summary>What stands for the range of the producer's output channel when the per-channel scales are chosen.</summary>
internal enum EqualizationMethod
{
    /// <summary>
    /// Data-free (Nagel et al. 2019): the range of the producer's output-channel weights. Needs no data, but for a
    /// depthwise producer the weight range says little about the activation range, which also depends on its input
    /// channel and bias.
    /// </summary>
    WeightRanges,

    /// <summary>
    /// Data-aware: the per-channel range of the activation between producer and consumer, measured with the executor
    /// over the calibration data — the tensor per-tensor activation quantization actually has to cover.
    /// </summary>
    ActivationRanges,
}

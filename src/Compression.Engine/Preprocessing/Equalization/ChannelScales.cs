namespace Compression.Engine.Preprocessing.Equalization;

/// <summary>
/// The per-channel scale of one equalization step. With r1 the range of the producer's channel c (its weights, or the
/// activation it writes) and r2 the range of the consumer's weights reading channel c, s = √(r1·r2)/r2 = √(r1/r2)
/// makes both r1/s and r2·s equal to √(r1·r2): Nagel et al. (2019) show this maximizes the summed per-channel
/// precision of the two tensors under per-tensor quantization.
/// </summary>
internal static class ChannelScales
{
    /// <summary>
    /// The step for each channel, given the scale already applied in total (<paramref name="applied"/>), so the total
    /// stays within [1/max, max]. A dead channel on either side (range below the fraction of its tensor's largest)
    /// gets 1: its ratio carries no information, only a division by ~0.
    /// </summary>
    public static double[] Step(double[] producerRanges, double[] consumerRanges, double[] applied, EqualizationOptions options)
    {
        var producerFloor = producerRanges.Max() * options.DeadChannelFraction;
        var consumerFloor = consumerRanges.Max() * options.DeadChannelFraction;
        var step = new double[producerRanges.Length];
        for (var c = 0; c < step.Length; c++)
        {
            if (producerRanges[c] <= producerFloor || consumerRanges[c] <= consumerFloor)
            {
                step[c] = 1;
                continue;
            }
            var total = Math.Clamp(applied[c] * Math.Sqrt(producerRanges[c] / consumerRanges[c]), 1 / options.MaxScale, options.MaxScale);
            step[c] = total / applied[c];
        }
        return step;
    }
}

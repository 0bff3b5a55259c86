using Compression.Engine.Recipes;

namespace Compression.Engine.Calibration;

/// <summary>
/// Turns one value's statistics into its calibrated range by the recipe's <see cref="CalibrationMethod"/>. Int8
/// activations are quantized symmetrically, uint8 ones asymmetrically (docs/quantization.md), and the percentile and entropy
/// methods look at |x| or at x accordingly. MinMax is the observed [min, max] of the finite values; a value with no
/// finite values at all gets [0, 0] (scale 1, zero point 0: it carries no information a range could keep).
/// </summary>
internal static class RangeSelection
{
    public static CalibrationRange Select(TensorStatistics statistics, CalibrationMethod method, ActivationType activationType)
    {
        var symmetric = activationType == ActivationType.Int8;
        return method switch
        {
            CalibrationMethod.MinMax => MinMax(statistics),
            CalibrationMethod.Percentile p => PercentileRange.Compute(statistics, p.Value, symmetric),
            CalibrationMethod.Entropy => EntropyRange.Compute(statistics, symmetric),
            CalibrationMethod.Mse => MseRange.Compute(statistics, symmetric),
            _ => throw new ArgumentOutOfRangeException(nameof(method), method, "unknown calibration method"),
        };
    }

    public static CalibrationRange MinMax(TensorStatistics statistics) =>
        statistics.HasFiniteValues ? new CalibrationRange(statistics.Min, statistics.Max) : new CalibrationRange(0f, 0f);
}

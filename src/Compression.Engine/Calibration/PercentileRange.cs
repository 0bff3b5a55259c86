namespace Compression.Engine.Calibration;

/// <summary>
/// Percentile calibration: the narrowest range, on histogram bin edges, that holds p % of the finite values.
/// <list type="bullet">
/// <item>Symmetric (int8): on the |x| histogram (<see cref="ActivationHistogram.FoldAbsolute"/>), the smallest k whose
/// cumulative count from zero reaches p/100 · total; the threshold t is bin k's upper edge, (k+1)·w. The range is
/// [−t, t] cut to the observed [min, max].</item>
/// <item>Asymmetric (uint8): (100 − p)/2 % is cut from each tail of the signed histogram: the lower bound is the lower
/// edge of the first bin at which the count from the left exceeds that tail, the upper bound the upper edge of the
/// last bin at which the count from the right exceeds it; both cut to [min, max].</item>
/// </list>
/// Cutting to the observed extremes means p = 100 gives MinMax exactly and no threshold is ever wider than the data.
/// Counts are integers and the comparisons use one double product, so the result is the same everywhere.
/// </summary>
internal static class PercentileRange
{
    public static CalibrationRange Compute(TensorStatistics statistics, double percentile, bool symmetric)
    {
        if (!(percentile > 0 && percentile <= 100)) throw new ArgumentOutOfRangeException(nameof(percentile), percentile, "the percentile must be in (0, 100]");
        var histogram = statistics.Histogram;
        var total = histogram.Total;
        if (!statistics.HasFiniteValues || histogram.RangeExponent is null) return RangeSelection.MinMax(statistics);
        var width = histogram.BinWidth;
        if (symmetric)
        {
            var folded = histogram.FoldAbsolute();
            var target = percentile / 100.0 * total;
            long cumulative = 0;
            var k = 0;
            for (; k < folded.Length - 1; k++)
            {
                cumulative += folded[k];
                if (cumulative >= target) break;
            }
            var t = (k + 1) * width;
            return Clip(statistics, -t, t);
        }

        var tail = (100.0 - percentile) / 200.0 * total;
        var counts = histogram.Counts;
        long fromLeft = 0;
        var left = 0;
        for (; left < counts.Length - 1; left++)
        {
            fromLeft += counts[left];
            if (fromLeft > tail) break;
        }
        long fromRight = 0;
        var right = counts.Length - 1;
        for (; right > 0; right--)
        {
            fromRight += counts[right];
            if (fromRight > tail) break;
        }
        return Clip(statistics, histogram.Edge(left), histogram.Edge(right + 1));
    }

    /// <summary>[lower, upper] cut to the observed [min, max], as floats.</summary>
    internal static CalibrationRange Clip(TensorStatistics statistics, double lower, double upper)
    {
        var min = (float)Math.Max(lower, statistics.Min);
        var max = (float)Math.Min(upper, statistics.Max);
        // A cut can only narrow; when the data sit inside one bin the edges may cross, and the observed range is right.
        return min <= max ? new CalibrationRange(min, max) : RangeSelection.MinMax(statistics);
    }
}

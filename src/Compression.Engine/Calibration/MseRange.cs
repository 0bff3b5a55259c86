namespace Compression.Engine.Calibration;

/// <summary>
/// MSE calibration: among candidate ranges, the one whose quantization error over the calibrated values is least,
/// counting both costs a range trades: values outside it are clipped to its end (error (x − end)²), values inside
/// round to the nearest of its levels. The error is estimated from the histogram, each bin's values at its centre c:
/// inside, a value rounds to zero (exactly representable in both forms) when |c| &lt; s/2, costing c², and otherwise
/// costs s²/12, the mean squared rounding error of values spread over a step s. Why the value's own error: a layer's
/// output error from its input's rounding, E‖W·ε‖², is tr(WᵀW)·σ² when the errors ε are independent with variance σ²
/// (what rounding to a fine grid gives), so the range with the least input MSE is also the one with the least output
/// error, for every layer that reads the value.
/// <list type="bullet">
/// <item>Symmetric (int8, 127 levels each side, zero point 0): every threshold t on a bin edge, [−t, t].</item>
/// <item>Asymmetric (uint8, 255 steps, zero inside the range): lower and upper ends each on one of 128 evenly spaced bin
/// edges between zero and the data's extreme (and zero itself), every pair tried.</item>
/// </list>
/// Each candidate costs O(1) from prefix sums of the counts, counts·c and counts·c² over the bins, summed in bin order,
/// so the choice is the same bits everywhere; ties keep the wider range. The range is cut to the observed [min, max].
/// </summary>
internal static class MseRange
{
    private const int SymmetricLevels = 127;
    private const int AsymmetricSteps = 255;
    private const int AsymmetricCandidates = 128;

    public static CalibrationRange Compute(TensorStatistics statistics, bool symmetric)
    {
        var histogram = statistics.Histogram;
        if (!statistics.HasFiniteValues || histogram.RangeExponent is null) return RangeSelection.MinMax(statistics);
        var sums = new BinSums(histogram);
        var half = histogram.BinCount / 2;
        // Bins that hold values: [first, last], as edge offsets from zero (in bins) for the range's ends.
        var (first, last) = sums.NonEmpty();
        var below = Math.Max(0, half - first);
        var above = Math.Max(0, last + 1 - half);
        if (symmetric)
        {
            var widest = Math.Max(below, above);
            var (best, bestError) = (widest, double.PositiveInfinity);
            for (var t = widest; t >= 1; t--)
            {
                var error = sums.Error(-t, t, 2.0 * t / (2 * SymmetricLevels));
                if (error < bestError) (best, bestError) = (t, error);
            }
            var threshold = best * histogram.BinWidth;
            return PercentileRange.Clip(statistics, -threshold, threshold);
        }

        var (bestLow, bestHigh, leastError) = (below, above, double.PositiveInfinity);
        foreach (var low in Candidates(below))
            foreach (var high in Candidates(above))
            {
                if (low + high == 0) continue;
                var error = sums.Error(-low, high, (double)(low + high) / AsymmetricSteps);
                if (error < leastError) (bestLow, bestHigh, leastError) = (low, high, error);
            }
        return PercentileRange.Clip(statistics, -bestLow * histogram.BinWidth, bestHigh * histogram.BinWidth);
    }

    /// <summary>Ends from the data's extreme down to zero (widest first), on at most 128 + 1 bin edges.</summary>
    private static IEnumerable<int> Candidates(int extreme)
    {
        var previous = -1;
        for (var i = AsymmetricCandidates; i >= 0; i--)
        {
            var edge = (int)(((long)extreme * i + AsymmetricCandidates - 1) / AsymmetricCandidates);
            if (edge == previous) continue;
            previous = edge;
            yield return edge;
        }
    }

    /// <summary>Prefix sums over the histogram's bins, in units of one bin width, for O(1) error of any range.</summary>
    private sealed class BinSums
    {
        private readonly int _half;
        private readonly double _width;
        private readonly double[] _count;
        private readonly double[] _first;
        private readonly double[] _second;

        public BinSums(ActivationHistogram histogram)
        {
            var counts = histogram.Counts;
            _half = counts.Length / 2;
            _width = histogram.BinWidth;
            (_count, _first, _second) = (new double[counts.Length + 1], new double[counts.Length + 1], new double[counts.Length + 1]);
            for (var b = 0; b < counts.Length; b++)
            {
                var c = b - _half + 0.5; // the bin's centre, in bin widths
                _count[b + 1] = _count[b] + counts[b];
                _first[b + 1] = _first[b] + (counts[b] * c);
                _second[b + 1] = _second[b] + (counts[b] * c * c);
            }
        }

        public (int First, int Last) NonEmpty()
        {
            var first = 0;
            while (first < _count.Length - 2 && _count[first + 1] == _count[first]) first++;
            var last = _count.Length - 2;
            while (last > 0 && _count[last + 1] == _count[last]) last--;
            return (first, last);
        }

        /// <summary>The squared error (in bin widths², scaled back to values) of the range [low, high] bins from zero with step s bins.</summary>
        public double Error(int low, int high, double step)
        {
            var (lo, hi) = (_half + low, _half + high); // bins [lo, hi) are inside
            lo = Math.Clamp(lo, 0, _count.Length - 1);
            hi = Math.Clamp(hi, 0, _count.Length - 1);
            // Clipped below: Σ n(c − low)², above: Σ n(c − high)².
            var error = Clipped(0, lo, low) + Clipped(hi, _count.Length - 1, high);
            // Inside: bins whose centre is within s/2 of zero round to zero, the rest cost s²/12.
            var zeroBins = Math.Max(0, (int)Math.Ceiling((step / 2) - 0.5));
            var (zlo, zhi) = (Math.Max(lo, _half - zeroBins), Math.Min(hi, _half + zeroBins));
            double nearZero = 0, nearZeroCount = 0;
            if (zlo < zhi)
            {
                nearZero = _second[zhi] - _second[zlo];
                nearZeroCount = _count[zhi] - _count[zlo];
            }
            var inside = _count[hi] - _count[lo] - nearZeroCount;
            error += nearZero + (inside * step * step / 12);
            return error * _width * _width;
        }

        private double Clipped(int from, int to, double end)
        {
            if (from >= to) return 0;
            var n = _count[to] - _count[from];
            var s1 = _first[to] - _first[from];
            var s2 = _second[to] - _second[from];
            return Math.Max(0, s2 - (2 * end * s1) + (end * end * n));
        }
    }
}

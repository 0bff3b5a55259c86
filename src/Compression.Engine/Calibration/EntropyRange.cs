using Compression.Evaluation.Numerics;

namespace Compression.Engine.Calibration;

/// <summary>
/// Entropy calibration, after TensorRT's ("8-bit Inference with TensorRT", Migacz 2017): among candidate clipping
/// thresholds, take the one whose quantized distribution loses the least information, measured as the KL divergence
/// KL(P ‖ Q) between the clipped histogram P and its L-level quantization Q.
/// <para>
/// Candidates and P. Symmetric (int8, L = 128): on the |x| histogram H (<see cref="ActivationHistogram.FoldAbsolute"/>,
/// 2048 bins by default), candidate i (L ≤ i ≤ the last non-empty bin + 1) keeps bins [0, i) and adds the count of
/// every bin past them (the values the threshold clips) to bin i − 1: that is P. Asymmetric (uint8, L = 256): on the
/// signed histogram, candidate i clips at ±i bins from zero but never beyond the data, keeping the window
/// [max(first, B/2 − i), min(last + 1, B/2 + i)) of non-empty bins first..last; both clipped tails fold into the window's
/// end bins. Only windows of at least L bins are candidates (fewer would make Q equal P and win for nothing).
/// </para>
/// <para>
/// Q. As TensorRT's: the window's n bins of the unclipped histogram H (clipped values left out, which is what makes
/// clipping cost something) are split into L groups, group g holding bins [⌊g·n/L⌋, ⌊(g+1)·n/L⌋); each group's mass
/// is spread evenly over the group's bins where P is not zero, zero elsewhere. P and Q are each normalised to sum 1.
/// Where P is not zero but Q is (clipped mass folded into an end bin whose group holds nothing unclipped, as when far
/// outliers are clipped down to an empty stretch of the histogram), Q takes the floor <see cref="Epsilon"/> (in counts,
/// outside Q's normalisation): large but finite, so clipping a handful of outliers can still win over coarse steps for
/// the bulk. Reference implementations smooth every bin with the same ε; flooring only those bins gives the same
/// ordering where it matters and keeps the sums closed-form.
/// </para>
/// <para>
/// KL. With S = ΣP (all values) and S_Q = ΣQ (the window's), S·KL = Σ P log P − Σ_g M_g log(Mq_g / nz_g)
/// + S·(log S_Q − log S), M_g and Mq_g a group's mass in P and in Q (Mq_g/nz_g read as ε when Mq_g is 0), nz_g its
/// bins where P is not zero; all from prefix sums of H, H log H and non-zero flags, so each candidate costs O(L)
/// logarithms, not O(bins). Logs come from <see cref="DeterministicMath"/> and sums run in a fixed order, so the choice is the same bits everywhere. The
/// smallest divergence wins; ties go to the narrower window. The threshold is the window's outer edge, cut to the
/// observed [min, max]. Data that fill fewer than L bins are not clipped: the range is MinMax.
/// </para>
/// </summary>
internal static class EntropyRange
{
    /// <summary>int8 symmetric: 128 levels on each side of zero (TensorRT's).</summary>
    public const int SymmetricLevels = 128;

    /// <summary>uint8 asymmetric: all 256 levels over the window.</summary>
    public const int AsymmetricLevels = 256;

    /// <summary>The floor of Q, in counts, where P has clipped mass and Q none: the ε ONNX Runtime and MXNet smooth with.</summary>
    public const double Epsilon = 1e-4;

    public static CalibrationRange Compute(TensorStatistics statistics, bool symmetric)
    {
        var histogram = statistics.Histogram;
        if (!statistics.HasFiniteValues || histogram.RangeExponent is null) return RangeSelection.MinMax(statistics);
        var width = histogram.BinWidth;
        if (symmetric)
        {
            var folded = histogram.FoldAbsolute();
            var sums = new PrefixSums(folded);
            var last = LastNonEmpty(folded);
            long best = -1;
            var bestDivergence = double.PositiveInfinity;
            for (var i = SymmetricLevels; i <= last + 1; i++)
            {
                var divergence = sums.ScaledDivergence(0, i, 0, sums.Range(i, folded.Length), SymmetricLevels);
                if (divergence < bestDivergence) { bestDivergence = divergence; best = i; }
            }
            if (best < 0) return RangeSelection.MinMax(statistics);
            var t = best * width;
            return PercentileRange.Clip(statistics, -t, t);
        }

        var counts = histogram.Counts.ToArray();
        var signed = new PrefixSums(counts);
        var first = FirstNonEmpty(counts);
        var lastBin = LastNonEmpty(counts);
        var half = counts.Length / 2;
        var widest = Math.Max(half - first, lastBin + 1 - half);
        long bestI = -1;
        var bestKl = double.PositiveInfinity;
        (int Lo, int Hi) bestWindow = (first, lastBin + 1);
        for (var i = 1; i <= widest; i++)
        {
            var lo = Math.Max(first, half - i);
            var hi = Math.Min(lastBin + 1, half + i);
            if (hi - lo < AsymmetricLevels) continue;
            var divergence = signed.ScaledDivergence(lo, hi, signed.Range(0, lo), signed.Range(hi, counts.Length), AsymmetricLevels);
            if (divergence < bestKl) { bestKl = divergence; bestI = i; bestWindow = (lo, hi); }
        }
        if (bestI < 0) return RangeSelection.MinMax(statistics);
        return PercentileRange.Clip(statistics, histogram.Edge(bestWindow.Lo), histogram.Edge(bestWindow.Hi));
    }

    private static int FirstNonEmpty(long[] counts)
    {
        for (var j = 0; j < counts.Length; j++) if (counts[j] != 0) return j;
        return 0;
    }

    private static int LastNonEmpty(long[] counts)
    {
        for (var j = counts.Length - 1; j >= 0; j--) if (counts[j] != 0) return j;
        return 0;
    }

    /// <summary>Prefix sums over one histogram that make each candidate's divergence O(levels).</summary>
    private sealed class PrefixSums
    {
        private readonly long[] _counts;
        private readonly long[] _count;      // Σ H[0..j)
        private readonly double[] _hLogH;    // Σ H log H over [0..j)
        private readonly int[] _nonZero;     // #{H > 0} over [0..j)

        public PrefixSums(long[] counts)
        {
            _counts = counts;
            _count = new long[counts.Length + 1];
            _hLogH = new double[counts.Length + 1];
            _nonZero = new int[counts.Length + 1];
            for (var j = 0; j < counts.Length; j++)
            {
                _count[j + 1] = _count[j] + counts[j];
                _hLogH[j + 1] = _hLogH[j] + XLogX(counts[j]);
                _nonZero[j + 1] = _nonZero[j] + (counts[j] > 0 ? 1 : 0);
            }
        }

        public long Range(int from, int to) => _count[to] - _count[from];

        /// <summary>
        /// S · KL(P ‖ Q) for the window [lo, hi) with <paramref name="below"/> and <paramref name="above"/> clipped
        /// values folded into its end bins, Q on <paramref name="levels"/> levels (hi − lo ≥ levels ≥ 2).
        /// </summary>
        public double ScaledDivergence(int lo, int hi, long below, long above, int levels)
        {
            var n = hi - lo;
            var pFirst = _counts[lo] + below;
            var pLast = _counts[hi - 1] + above;
            var pTotal = _count[_count.Length - 1];
            var qTotal = _count[hi] - _count[lo];
            // Σ P log P: the inner bins straight from the prefix sums, the two end bins with their clipped mass.
            var pLogP = _hLogH[hi - 1] - _hLogH[lo + 1] + XLogX(pFirst) + XLogX(pLast);
            double pLogQ = 0;
            for (var g = 0; g < levels; g++)
            {
                var start = lo + (int)((long)g * n / levels);
                var end = lo + (int)((long)(g + 1) * n / levels);
                var qMass = _count[end] - _count[start];
                var pMass = qMass;
                var nonZero = _nonZero[end] - _nonZero[start];
                if (g == 0) { pMass += below; if (below > 0 && _counts[lo] == 0) nonZero++; }
                if (g == levels - 1) { pMass += above; if (above > 0 && _counts[hi - 1] == 0) nonZero++; }
                if (pMass == 0) continue;
                // Clipped mass in an end bin whose group holds nothing unclipped: Q there is the floor ε.
                pLogQ += qMass == 0 ? pMass * LogEpsilon
                    : pMass * (DeterministicMath.Log((double)qMass) - DeterministicMath.Log((double)nonZero));
            }
            // P and Q are normalised apart (ΣP is every value, ΣQ only the window's): S·KL gains S·(log ΣQ − log ΣP).
            return pLogP - pLogQ + pTotal * (DeterministicMath.Log((double)qTotal) - DeterministicMath.Log((double)pTotal));
        }

        private static readonly double LogEpsilon = DeterministicMath.Log(Epsilon);

        private static double XLogX(long x) => x > 0 ? x * DeterministicMath.Log((double)x) : 0.0;
    }
}

namespace Compression.Engine.Calibration;

/// <summary>
/// A histogram of one tensor's values over all calibration samples, whose memory is its bin count whatever the number
/// of samples, and whose counts are an exact function of the multiset of values seen: not of their order, of how they
/// were split into samples or batches, or of which thread saw them.
/// <para>
/// The algorithm. <see cref="BinCount"/> B (a power of two, at least 64) bins cover the symmetric range [−T, T) where
/// T = 2^<see cref="RangeExponent"/> is the smallest power of two strictly greater than the largest |x| seen. Bin j
/// covers [−T + j·w, −T + (j+1)·w) with w = 2T/B, itself a power of two. A value x goes to bin
/// floor(x·2^m) + B/2 with 2^m = B/(2T): scaling a float by a power of two is exact in double, and so is the floor, so
/// no rounding can move a value across an edge. When a later value needs a larger range, T doubles (d times) and bin
/// j moves to ((j − B/2) &gt;&gt; d) + B/2, adding up pairs of neighbours; since floor(floor(y)/2^d) = floor(y/2^d), that
/// is exactly the bin the value would have had if the wider range had been in force from the start. Merging two
/// histograms widens both to the larger range and adds counts. So the final counts are the one-shot histogram of all
/// the data at the final range: integer sums, independent of order.
/// </para>
/// <para>
/// Zero goes to bin B/2 whatever T is, so all-zero tensors (common after ReLU on padding) are counted before any range
/// exists. NaN and ±∞ are not binned: the caller counts them apart (<see cref="TensorStatistics"/>).
/// </para>
/// </summary>
internal sealed class ActivationHistogram
{
    /// <summary>
    /// 4096 bins: 2048 on each side of zero, the resolution TensorRT's entropy calibration works at, so the |x| histogram
    /// that <see cref="FoldAbsolute"/> gives has 2048 bins. 32 KB of counts per calibrated tensor.
    /// </summary>
    public const int DefaultBinCount = 4096;

    private readonly long[] _counts;

    public ActivationHistogram(int binCount = DefaultBinCount)
    {
        if (binCount < 64 || !int.IsPow2(binCount))
            throw new ArgumentOutOfRangeException(nameof(binCount), binCount, "the bin count must be a power of two, at least 64");
        _counts = new long[binCount];
    }

    public int BinCount => _counts.Length;

    /// <summary>log2 of the half-range T; null while only zeros have been seen (no range is needed for them yet).</summary>
    public int? RangeExponent { get; private set; }

    /// <summary>T, the half-range covered: [−T, T); 0 while only zeros have been seen.</summary>
    public double HalfRange => RangeExponent is { } e ? Math.ScaleB(1.0, e) : 0.0;

    /// <summary>The width of one bin, 2T/B (exact: a power of two).</summary>
    public double BinWidth => RangeExponent is { } e ? Math.ScaleB(1.0, e + 1 - int.Log2(BinCount)) : 0.0;

    /// <summary>How many values were binned.</summary>
    public long Total { get; private set; }

    public ReadOnlySpan<long> Counts => _counts;

    /// <summary>The lower edge of signed bin <paramref name="bin"/> (B gives the upper edge of the last bin, T).</summary>
    public double Edge(int bin) => (bin - BinCount / 2) * BinWidth;

    /// <summary>
    /// Bins finite values. <paramref name="maxAbs"/> is the largest |x| among them (the caller has it from its min/max
    /// pass); the range widens first so every value lands inside.
    /// </summary>
    public void Add(ReadOnlySpan<float> values, float maxAbs)
    {
        if (maxAbs > 0) Cover(Math.ILogB((double)maxAbs) + 1);
        var half = BinCount / 2;
        if (RangeExponent is not { } e)
        {
            // Only zeros (maxAbs is 0): they all go to the centre bin.
            _counts[half] += values.Length;
            Total += values.Length;
            return;
        }
        var scale = int.Log2(BinCount) - 1 - e; // 2^scale = B / (2T)
        foreach (var x in values)
        {
            var bin = (int)Math.Floor(Math.ScaleB((double)x, scale)) + half;
            _counts[bin]++;
        }
        Total += values.Length;
    }

    /// <summary>Adds <paramref name="other"/>'s counts, at the wider of the two ranges.</summary>
    public void Merge(ActivationHistogram other)
    {
        if (other.BinCount != BinCount)
            throw new ArgumentException($"cannot merge a {other.BinCount}-bin histogram into a {BinCount}-bin one", nameof(other));
        if (other.RangeExponent is { } theirs) Cover(theirs);
        var shift = (RangeExponent ?? 0) - (other.RangeExponent ?? RangeExponent ?? 0);
        var half = BinCount / 2;
        var source = other._counts;
        for (var j = 0; j < source.Length; j++)
            if (source[j] != 0) _counts[((j - half) >> shift) + half] += source[j];
        Total += other.Total;
    }

    /// <summary>
    /// The histogram of |x| with B/2 bins over [0, T): bin k adds signed bins B/2 + k ([k·w, (k+1)·w)) and B/2 − 1 − k
    /// ([−(k+1)·w, −k·w)). A negative value exactly on an edge −k·w counts in |x| bin k − 1: an edge case of width
    /// zero that only moves a threshold by one bin.
    /// </summary>
    public long[] FoldAbsolute()
    {
        var half = BinCount / 2;
        var folded = new long[half];
        for (var k = 0; k < half; k++) folded[k] = _counts[half + k] + _counts[half - 1 - k];
        return folded;
    }

    /// <summary>Makes the range at least 2^<paramref name="exponent"/>, merging bins when it grows.</summary>
    private void Cover(int exponent)
    {
        if (RangeExponent is not { } current)
        {
            // Until now only zeros were seen, all in the centre bin, which no widening moves.
            RangeExponent = exponent;
            return;
        }
        if (exponent <= current) return;
        var shift = exponent - current;
        var half = BinCount / 2;
        // Bin j moves to ((j − B/2) >> shift) + B/2. Targets move toward the centre and never overtake a source not yet
        // read when the halves are walked outward-in from the centre: left half upward, right half downward.
        for (var j = half; j < BinCount; j++) Move(j, ((j - half) >> shift) + half);
        for (var j = half - 1; j >= 0; j--) Move(j, ((j - half) >> shift) + half);
        RangeExponent = exponent;
    }

    private void Move(int from, int to)
    {
        if (from == to) return;
        _counts[to] += _counts[from];
        _counts[from] = 0;
    }
}

namespace Compression.Engine.Calibration;

/// <summary>
/// What calibration keeps of one value over all samples: its finite minimum and maximum, how many elements were seen,
/// how many were NaN or infinite (kept out of the range: a range that reaches infinity quantizes everything to one
/// level; the QDQ pass decides what to do with such a tensor), and the <see cref="ActivationHistogram"/> of the finite
/// ones. Min, max and counts merge by min, max and sums, so like the histogram they do not depend on order.
/// </summary>
internal sealed class TensorStatistics
{
    public TensorStatistics(int binCount = ActivationHistogram.DefaultBinCount) => Histogram = new ActivationHistogram(binCount);

    /// <summary>The smallest finite value; +∞ while none has been seen.</summary>
    public float Min { get; private set; } = float.PositiveInfinity;

    /// <summary>The largest finite value; −∞ while none has been seen.</summary>
    public float Max { get; private set; } = float.NegativeInfinity;

    /// <summary>All elements seen, finite or not.</summary>
    public long Count { get; private set; }

    public long NonFinite { get; private set; }

    /// <summary>How many times the value was produced (samples, and loop iterations inside a sample).</summary>
    public long Observations { get; private set; }

    public ActivationHistogram Histogram { get; }

    public bool HasFiniteValues => Min <= Max;

    /// <summary>The largest |x| among finite values; 0 when there are none.</summary>
    public float MaxAbs => HasFiniteValues ? Math.Max(Math.Abs(Min), Math.Abs(Max)) : 0f;

    public void Add(ReadOnlySpan<float> values)
    {
        Observations++;
        Count += values.Length;
        float min = float.PositiveInfinity, max = float.NegativeInfinity;
        var nonFinite = 0;
        foreach (var x in values)
        {
            if (!float.IsFinite(x)) { nonFinite++; continue; }
            if (x < min) min = x;
            if (x > max) max = x;
        }
        if (nonFinite == 0)
        {
            Histogram.Add(values, Math.Max(Math.Abs(min), Math.Abs(max)));
        }
        else
        {
            // Rare: copy the finite values out rather than teach the histogram to skip.
            NonFinite += nonFinite;
            var finite = new List<float>(values.Length - nonFinite);
            foreach (var x in values)
                if (float.IsFinite(x)) finite.Add(x);
            if (finite.Count > 0) Histogram.Add(System.Runtime.InteropServices.CollectionsMarshal.AsSpan(finite), Math.Max(Math.Abs(min), Math.Abs(max)));
        }
        // + 0 turns −0 into +0: which zero wins a comparison would otherwise depend on the order values came in.
        if (min < Min) Min = min + 0f;
        if (max > Max) Max = max + 0f;
    }

    public void Merge(TensorStatistics other)
    {
        Observations += other.Observations;
        Count += other.Count;
        NonFinite += other.NonFinite;
        if (other.Min < Min) Min = other.Min;
        if (other.Max > Max) Max = other.Max;
        Histogram.Merge(other.Histogram);
    }
}

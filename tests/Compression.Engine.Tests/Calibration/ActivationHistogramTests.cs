using Compression.Engine.Calibration;

namespace Compression.Engine.Tests.Calibration;

public class ActivationHistogramTests
{
    [Fact]
    public void StreamingOverSamplesEqualsTheOneShotHistogramOfAllData()
    {
        // Samples whose scales grow and shrink, so the range widens several times on the way.
        var samples = Enumerable.Range(0, 40).Select(i => SyntheticData.Gaussian(500, i).Select(x => x * (float)Math.Pow(1.7, i % 9)).ToArray()).ToList();
        var streamed = new TensorStatistics();
        foreach (var sample in samples) streamed.Add(sample);
        var oneShot = new TensorStatistics();
        oneShot.Add(samples.SelectMany(s => s).ToArray());

        Assert.Equal(oneShot.Histogram.RangeExponent, streamed.Histogram.RangeExponent);
        Assert.Equal(oneShot.Histogram.Counts.ToArray(), streamed.Histogram.Counts.ToArray());
        Assert.Equal((oneShot.Min, oneShot.Max, oneShot.Count), (streamed.Min, streamed.Max, streamed.Count));
    }

    [Fact]
    public void MergingInAnyOrderOrBatchingGivesTheSameCounts()
    {
        var data = SyntheticData.Gaussian(20_000, 7).Select((x, i) => x * (i % 1000 == 0 ? 40f : 1f)).ToArray();
        var reference = new TensorStatistics();
        reference.Add(data);

        foreach (var batch in new[] { 1, 3, 1000, 7777 })
        {
            var parts = SyntheticData.Chunks(data, batch).Select(chunk => { var s = new TensorStatistics(); s.Add(chunk); return s; }).ToList();
            var forward = new TensorStatistics();
            foreach (var p in parts) forward.Merge(p);
            var backward = new TensorStatistics();
            foreach (var p in Enumerable.Reverse(parts)) backward.Merge(p);
            Assert.Equal(reference.Histogram.Counts.ToArray(), forward.Histogram.Counts.ToArray());
            Assert.Equal(reference.Histogram.Counts.ToArray(), backward.Histogram.Counts.ToArray());
            Assert.Equal(reference.Histogram.RangeExponent, backward.Histogram.RangeExponent);
        }
    }

    [Fact]
    public void MemoryIsTheBinCountWhateverTheNumberOfSamples()
    {
        var few = new TensorStatistics();
        var many = new TensorStatistics();
        few.Add(SyntheticData.Uniform(100, -1, 1, 1));
        for (var i = 0; i < 2_000; i++) many.Add(SyntheticData.Uniform(100, -1 - i, 1 + i, i));
        Assert.Equal(ActivationHistogram.DefaultBinCount, few.Histogram.Counts.Length);
        Assert.Equal(ActivationHistogram.DefaultBinCount, many.Histogram.Counts.Length);
        Assert.Equal(200_000, many.Histogram.Total);
        Assert.Equal(200_000, many.Histogram.Counts.ToArray().Sum());
    }

    [Fact]
    public void RangeIsTheSmallestPowerOfTwoAboveTheLargestMagnitude()
    {
        var histogram = new ActivationHistogram(64);
        histogram.Add([0.5f, -3f, 1f], 3f);
        Assert.Equal(4.0, histogram.HalfRange);       // 2^2 > 3
        Assert.Equal(0.125, histogram.BinWidth);      // 8 / 64
        histogram.Add([4f], 4f);                      // exactly 4 needs 8: the range is half-open
        Assert.Equal(8.0, histogram.HalfRange);
        var counts = histogram.Counts.ToArray();
        Assert.Equal(1, counts[32 + (int)(4f / 0.25f)]);  // 4 at width 0.25
        Assert.Equal(1, counts[32 - 12]);                 // −3 → floor(−12) + 32
        Assert.Equal(4, histogram.Total);
    }

    [Fact]
    public void ZerosBeforeAnyRangeStayInTheCentreBin()
    {
        var histogram = new ActivationHistogram(64);
        histogram.Add([0f, -0f, 0f], 0f);
        Assert.Null(histogram.RangeExponent);
        histogram.Add([0.001f, -5f], 5f);
        Assert.Equal(3 + 1, histogram.Counts[32]); // the zeros and 0.001 share bin [0, w)
        Assert.Equal(1, histogram.Counts[32 - 20]); // −5 at width 0.25
    }

    [Fact]
    public void FoldedHistogramCountsMagnitudes()
    {
        var histogram = new ActivationHistogram(64);
        histogram.Add([0.1f, -0.1f, 3.9f, -3.9f, -2f], 3.9f);
        var folded = histogram.FoldAbsolute();
        Assert.Equal(32, folded.Length);
        Assert.Equal(2, folded[0]);
        Assert.Equal(2, folded[31]);
        Assert.Equal(1, folded[15]); // −2 is on the edge −16·w: it counts in |x| bin 15, the documented edge case
        Assert.Equal(5, folded.Sum());
    }

    [Fact]
    public void NonFiniteValuesAreCountedApartAndNotBinned()
    {
        var statistics = new TensorStatistics();
        statistics.Add([1f, float.NaN, float.PositiveInfinity, -2f]);
        Assert.Equal(2, statistics.NonFinite);
        Assert.Equal(2, statistics.Histogram.Total);
        Assert.Equal((-2f, 1f), (statistics.Min, statistics.Max));
    }
}

using Compression.Engine.Calibration;
using Compression.Engine.Recipes;

namespace Compression.Engine.Tests.Calibration;

public class CalibrationMethodTests
{
    private static TensorStatistics Statistics(params float[][] samples)
    {
        var statistics = new TensorStatistics();
        foreach (var sample in samples) statistics.Add(sample);
        return statistics;
    }

    [Fact]
    public void MinMaxIsTheExactObservedRange()
    {
        var data = SyntheticData.Uniform(50_000, -0.75f, 2.5f, 1);
        var range = RangeSelection.Select(Statistics(data), new CalibrationMethod.MinMax(), ActivationType.UInt8);
        Assert.Equal(data.Min(), range.Min);
        Assert.Equal(data.Max(), range.Max);
    }

    [Theory]
    [InlineData(99.0, 2.5758)]   // P(|Z| ≤ 2.5758) = 0.99
    [InlineData(99.99, 3.8906)]  // P(|Z| ≤ 3.8906) = 0.9999
    public void SymmetricPercentileOfAGaussianIsNearTheAnalyticQuantileOfItsMagnitude(double percentile, double quantile)
    {
        var statistics = Statistics(SyntheticData.Chunks(SyntheticData.Gaussian(1_000_000, 5), 10_000).ToArray());
        var range = RangeSelection.Select(statistics, new CalibrationMethod.Percentile(percentile), ActivationType.Int8);
        // Sampling error of the empirical quantile (≈ 0.03 at 99.99 % with a million values) plus one bin.
        var tolerance = 0.05 + statistics.Histogram.BinWidth;
        Assert.InRange(range.Max, quantile - tolerance, quantile + tolerance);
        Assert.InRange(-range.Min, quantile - tolerance, quantile + tolerance);
    }

    [Fact]
    public void AsymmetricPercentileCutsHalfTheRestFromEachTail()
    {
        // 99 % kept: 0.5 % cut on each side of N(1, 1): 1 ± 2.5758.
        var data = SyntheticData.Gaussian(1_000_000, 9).Select(x => x + 1f).ToArray();
        var range = RangeSelection.Select(Statistics(data), new CalibrationMethod.Percentile(99), ActivationType.UInt8);
        Assert.InRange(range.Min, 1 - 2.5758 - 0.05, 1 - 2.5758 + 0.05);
        Assert.InRange(range.Max, 1 + 2.5758 - 0.05, 1 + 2.5758 + 0.05);
    }

    [Fact]
    public void PercentileOfOneHundredIsMinMax()
    {
        var statistics = Statistics(SyntheticData.Gaussian(10_000, 2));
        foreach (var type in new[] { ActivationType.Int8, ActivationType.UInt8 })
            Assert.Equal(RangeSelection.MinMax(statistics), RangeSelection.Select(statistics, new CalibrationMethod.Percentile(100), type));
    }

    [Theory]
    // By name: a public test method cannot take the engine's internal enum.
    [InlineData(nameof(ActivationType.Int8))]
    [InlineData(nameof(ActivationType.UInt8))]
    public void EntropyClipsAFewFarOutliersButKeepsTheBulk(string activationType)
    {
        var type = Enum.Parse<ActivationType>(activationType);
        var bulk = SyntheticData.Gaussian(200_000, 11);
        var outliers = new[] { 60f, -55f, 70f, 58f, -64f };
        var statistics = Statistics(bulk, outliers);
        var range = RangeSelection.Select(statistics, new CalibrationMethod.Entropy(), type);
        Assert.InRange(range.Max, 2.5f, 20f);    // far below the outliers, above 99 % of the bulk
        Assert.InRange(-range.Min, 2.5f, 20f);
    }

    [Fact]
    public void EntropyOnNonNegativeDataKeepsZeroAsTheLowerBound()
    {
        // ReLU-like: |N(0, 1)| with two far outliers; uint8 spends all 256 levels on [0, t].
        var data = SyntheticData.Gaussian(200_000, 13).Select(Math.Abs).Append(90f).Append(85f).ToArray();
        var range = RangeSelection.Select(Statistics(data), new CalibrationMethod.Entropy(), ActivationType.UInt8);
        Assert.Equal(data.Min(), range.Min);
        Assert.InRange(range.Max, 2.5f, 20f);
    }

    [Fact]
    public void EntropyDoesNotClipDataWithoutOutliers()
    {
        // Uniform data have no tail to trade: clipping only adds error, so the threshold stays near the extremes.
        var data = SyntheticData.Uniform(200_000, -1f, 1f, 17);
        var range = RangeSelection.Select(Statistics(data), new CalibrationMethod.Entropy(), ActivationType.Int8);
        Assert.InRange(range.Max, 0.9f, 1f);
    }

    [Fact]
    public void AllZeroValuesCalibrateToZero()
    {
        var statistics = Statistics(new float[100]);
        foreach (CalibrationMethod method in new CalibrationMethod[] { new CalibrationMethod.MinMax(), new CalibrationMethod.Percentile(99.9), new CalibrationMethod.Entropy() })
            Assert.Equal(new CalibrationRange(0f, 0f), RangeSelection.Select(statistics, method, ActivationType.UInt8));
    }
}

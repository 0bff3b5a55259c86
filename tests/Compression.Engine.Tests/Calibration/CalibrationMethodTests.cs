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
        foreach (CalibrationMethod method in new CalibrationMethod[] { new CalibrationMethod.MinMax(), new CalibrationMethod.Percentile(99.9), new CalibrationMethod.Entropy(), new CalibrationMethod.Mse() })
            Assert.Equal(new CalibrationRange(0f, 0f), RangeSelection.Select(statistics, method, ActivationType.UInt8));
    }

    [Fact]
    public void SymmetricMseRangeHasNearlyTheLeastTrueErrorOfAnyThreshold()
    {
        // A bulk with a few far outliers: each clipped outlier costs its distance squared, so the least error keeps them.
        var data = SyntheticData.Gaussian(200_000, 19).Concat([40f, -35f, 45f]).ToArray();
        var range = RangeSelection.Select(Statistics(data), new CalibrationMethod.Mse(), ActivationType.Int8);
        Assert.Equal(range.Max, -range.Min);
        var best = Enumerable.Range(1, 1000).Min(i => SymmetricError(data, i * 0.05f));
        Assert.True(SymmetricError(data, range.Max) <= 1.05 * best, $"MSE range ±{range.Max}: {SymmetricError(data, range.Max)} vs the best threshold's {best}");
    }

    [Fact]
    public void SymmetricMseRangeOfALaplaceClipsWhereTheAnalyticOptimumIs()
    {
        // Laplace(0, 1): the 8-bit MSE-optimal clipping is about 9.89 (Banner et al., ACIQ), below the largest of 200k
        // samples (about ln 200000 = 12.2).
        var data = SyntheticData.Uniform(200_000, -0.5f, 0.5f, 31).Select(u => (float)(-Math.Sign(u) * Math.Log(1 - (2 * Math.Abs(u)) + 1e-12))).ToArray();
        var range = RangeSelection.Select(Statistics(data), new CalibrationMethod.Mse(), ActivationType.Int8);
        Assert.InRange(range.Max, 8.5f, 11.5f);
        Assert.True(range.Max < data.Max(x => Math.Abs(x)));
        var best = Enumerable.Range(1, 300).Min(i => SymmetricError(data, i * 0.05f));
        Assert.True(SymmetricError(data, range.Max) <= 1.05 * best, $"MSE range ±{range.Max}: {SymmetricError(data, range.Max)} vs {best}");
    }

    [Fact]
    public void AsymmetricMseRangeKeepsZeroAndHasNearlyTheLeastTrueError()
    {
        // ReLU-like: |N(0, 1)| with far outliers; uint8 over [0, t].
        var data = SyntheticData.Gaussian(200_000, 23).Select(Math.Abs).Concat([60f, 52f]).ToArray();
        var range = RangeSelection.Select(Statistics(data), new CalibrationMethod.Mse(), ActivationType.UInt8);
        Assert.Equal(data.Min(), range.Min);
        var best = Enumerable.Range(1, 400).Min(i => AsymmetricError(data, 0, i * 0.02f));
        Assert.True(AsymmetricError(data, range.Min, range.Max) <= 1.05 * best, $"MSE range [{range.Min}, {range.Max}]: {AsymmetricError(data, range.Min, range.Max)} vs {best}");
    }

    [Fact]
    public void MseRangeDoesNotClipDataWithoutOutliers()
    {
        var data = SyntheticData.Uniform(200_000, -1f, 1f, 29);
        var range = RangeSelection.Select(Statistics(data), new CalibrationMethod.Mse(), ActivationType.Int8);
        Assert.InRange(range.Max, 0.95f, 1f);
    }

    /// <summary>The exact mean squared error of int8 symmetric quantization with threshold t (127 levels a side).</summary>
    private static double SymmetricError(float[] data, float t)
    {
        var s = t / 127.0;
        return data.Average(x => { var q = Math.Clamp(Math.Round(x / s), -127, 127) * s; return (x - q) * (x - q); });
    }

    /// <summary>The exact mean squared error of uint8 quantization of [lo, hi] (255 steps, zero on the grid).</summary>
    private static double AsymmetricError(float[] data, float lo, float hi)
    {
        lo = Math.Min(lo, 0);
        var s = (hi - lo) / 255.0;
        var zero = Math.Round(-lo / s);
        return data.Average(x => { var q = (Math.Clamp(Math.Round(x / s) + zero, 0, 255) - zero) * s; return (x - q) * (x - q); });
    }
}

using Compression.Engine.Recipes;

namespace Compression.Engine.Calibration;

/// <summary>
/// What calibration hands the QDQ pass: per value name, the calibrated range, with the statistics it came from (to
/// choose again with another method without running the samples again, or to report NaN/∞ counts). A requested value
/// that no sample produced as a float (a branch never taken, an integer tensor) is listed in <see cref="NotObserved"/>
/// and has no range: the pass keeps it in float.
/// </summary>
internal sealed class CalibrationResult
{
    public CalibrationResult(IReadOnlyDictionary<string, TensorStatistics> statistics, CalibrationMethod method, ActivationType activationType, int samples)
    {
        Method = method;
        ActivationType = activationType;
        Samples = samples;
        var ranges = new SortedDictionary<string, CalibrationRange>(StringComparer.Ordinal);
        var missing = new List<string>();
        foreach (var (name, stats) in statistics.OrderBy(p => p.Key, StringComparer.Ordinal))
        {
            if (stats.Count == 0) missing.Add(name);
            else ranges[name] = RangeSelection.Select(stats, method, activationType);
        }
        Ranges = ranges;
        NotObserved = missing;
        Statistics = statistics;
    }

    public CalibrationMethod Method { get; }

    public ActivationType ActivationType { get; }

    /// <summary>How many data-set samples were run.</summary>
    public int Samples { get; }

    /// <summary>The calibrated range of each observed value, in ordinal order of names.</summary>
    public IReadOnlyDictionary<string, CalibrationRange> Ranges { get; }

    public IReadOnlyList<string> NotObserved { get; }

    public IReadOnlyDictionary<string, TensorStatistics> Statistics { get; }

    /// <summary>The scale and zero point of <paramref name="valueName"/> for the result's activation type.</summary>
    public QuantizationParameters Parameters(string valueName, bool reduceRange = false) =>
        Ranges.TryGetValue(valueName, out var range) ? range.For(ActivationType, reduceRange)
            : throw new KeyNotFoundException($"'{valueName}' was not calibrated");
}

namespace Compression.Engine.Preprocessing.Equalization;

/// <summary>
/// How unevenly a tensor's range is shared among its channels: the largest channel range over the mean one. 1 means
/// every channel uses the whole per-tensor range; a spread of 100 means the average channel uses 1 % of it, i.e.
/// loses log2(100) ≈ 6.6 of its 8 bits under per-tensor quantization. Dead channels (range 0) count, as they do for
/// the quantizer.
/// </summary>
internal static class ChannelSpread
{
    public static double Of(IReadOnlyList<double> ranges)
    {
        var mean = ranges.Average();
        return mean > 0 ? ranges.Max() / mean : 1;
    }

    /// <summary>The geometric mean of spreads: one tensor with a huge spread must not hide every other improving.</summary>
    public static double GeometricMean(IEnumerable<double> spreads)
    {
        var list = spreads.ToList();
        return list.Count == 0 ? 1 : Math.Exp(list.Average(Math.Log));
    }
}

using System.Diagnostics;
using System.Globalization;

namespace Compression.Benchmarks;

/// <summary>Wall-clock timing for the one-shot benchmarks: the best of a few runs (the least disturbed by other work).</summary>
internal static class WallClock
{
    public static double BestMilliseconds(int runs, Action action)
    {
        var best = double.MaxValue;
        for (var i = 0; i < runs; i++)
        {
            var watch = Stopwatch.StartNew();
            action();
            best = Math.Min(best, watch.Elapsed.TotalMilliseconds);
        }
        return best;
    }

    /// <summary>`--runs N` as the first two arguments, else <paramref name="fallback"/>.</summary>
    public static int Runs(string[] args, int fallback) =>
        args.Length > 1 && args[0] == "--runs" ? int.Parse(args[1], CultureInfo.InvariantCulture) : fallback;
}

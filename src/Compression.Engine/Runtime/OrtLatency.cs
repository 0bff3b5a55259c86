using System.Diagnostics;
using Compression.Evaluation.Tensors;

namespace Compression.Engine.Runtime;

/// <summary>
/// ORT's latency of the original and the compressed model on the build machine, at one intra-op thread and at every
/// logical core: per setting, <see cref="WarmUps"/> untimed runs of each, then runs of original and compressed
/// interleaved (so a machine that slows down slows both) until <see cref="MaxRuns"/> or <see cref="Budget"/> (at least
/// <see cref="MinRuns"/>); the median of each. The recorded run count is the smaller of the two settings'.
/// </summary>
internal static class OrtLatency
{
    public const int WarmUps = 2;
    public const int MinRuns = 3;
    public const int MaxRuns = 15;
    /// <summary>The time one setting may take for its timed runs of both models (warm-ups and sessions aside).</summary>
    public static readonly TimeSpan Budget = TimeSpan.FromMilliseconds(500);

    /// <exception cref="Microsoft.ML.OnnxRuntime.OnnxRuntimeException">ORT cannot run one of the models.</exception>
    public static OnnxRuntimeLatency Measure(byte[] original, byte[] compressed, Dictionary<string, Tensor> sample)
    {
        var threads = Environment.ProcessorCount;
        var (originalOne, compressedOne, runsOne) = Setting(original, compressed, sample, 1);
        var (originalAll, compressedAll, runsAll) = Setting(original, compressed, sample, threads);
        return new OnnxRuntimeLatency(threads, Math.Min(runsOne, runsAll), originalOne, compressedOne, originalAll, compressedAll);
    }

    private static (double Original, double Compressed, int Runs) Setting(byte[] original, byte[] compressed,
        Dictionary<string, Tensor> sample, int threads)
    {
        using var a = new OrtModelSession(original, [sample], threads);
        using var b = new OrtModelSession(compressed, [sample], threads);
        if (a.Samples == 0 || b.Samples == 0) throw new NotSupportedException("the sample cannot be given to ONNX Runtime as the model's inputs");
        for (var i = 0; i < WarmUps; i++)
        {
            a.Run(0);
            b.Run(0);
        }
        var timesA = new List<double>();
        var timesB = new List<double>();
        var total = Stopwatch.StartNew();
        while (timesA.Count < MinRuns || (timesA.Count < MaxRuns && total.Elapsed < Budget))
        {
            timesA.Add(Time(a));
            timesB.Add(Time(b));
        }
        return (Median(timesA), Median(timesB), timesA.Count);
    }

    private static double Time(OrtModelSession session)
    {
        var start = Stopwatch.GetTimestamp();
        session.Run(0);
        return Stopwatch.GetElapsedTime(start).TotalMilliseconds;
    }

    private static double Median(List<double> values)
    {
        values.Sort();
        var middle = values.Count / 2;
        return values.Count % 2 == 1 ? values[middle] : (values[middle - 1] + values[middle]) / 2;
    }
}

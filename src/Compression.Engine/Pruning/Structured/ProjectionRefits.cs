using System.Globalization;
using Compression.Engine.Pipeline;
using Compression.Onnx.Protobuf;

namespace Compression.Engine.Pruning.Structured;

/// <summary>Runs a set of <see cref="ProjectionRefit"/>s over the calibration data in one executor pass and says what they did.</summary>
internal static class ProjectionRefits
{
    /// <param name="what">What the refit layers are, for the note ("feed-forward blocks").</param>
    public static string Run(CompressionContext context, ModelProto reference, string data, List<ProjectionRefit> refits, string what)
    {
        var names = refits.SelectMany(r => new[] { r.Input, r.Output }).ToHashSet(StringComparer.Ordinal);
        CalibrationRuns.ForEachSample(reference, context.Original.SourcePath, data, context.Threads, names, (sample, value) =>
        {
            foreach (var r in refits)
                if (value(r.Input) is { } input && value(r.Output) is { } target) r.Accumulate(sample, input, target);
        });
        foreach (var r in refits) r.SolveAndWrite();
        static double Db(double signal, double noise) => noise <= 0 ? 999 : 10 * Math.Log10(signal / noise);
        var scored = refits.Where(r => r.HeldOut is not null).ToList();
        if (scored.Count == 0) return $"no {what} refit: the calibration data has fewer than two samples to fit and score on";
        var median = scored.Select(r => Db(r.HeldOut!.Value.Signal, r.HeldOut.Value.Before)).Order().ElementAt(scored.Count / 2);
        var written = refits.Where(r => r.Written).ToList();
        var after = written.Count == 0 ? "" : string.Create(CultureInfo.InvariantCulture,
            $", refit {written.Select(r => Db(r.HeldOut!.Value.Signal, r.HeldOut.Value.After)).Order().ElementAt(written.Count / 2):F1} dB");
        return string.Create(CultureInfo.InvariantCulture,
            $"{written.Count} of {refits.Count} {what} refit by least squares (kept where the refit beat the pruned weights on held-out samples; {refits.Max(r => r.Rows)} tokens per layer); median held-out SQNR of their output: pruned {median:F1} dB{after}");
    }
}

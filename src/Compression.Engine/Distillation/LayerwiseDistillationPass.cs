using System.Diagnostics;
using System.Globalization;
using Compression.Engine.Calibration;
using Compression.Engine.LowRank;
using Compression.Engine.Pipeline;
using Compression.Evaluation.DataSets;
using Compression.Onnx.Graph;
using Compression.Onnx.Protobuf;

namespace Compression.Engine.Distillation;

/// <summary>
/// <c>Distillation=layerwise</c>: the teacher (the model as it was before the first technique, the original's function)
/// teaches every compressed layer of the student (the working model) on the calibration data. Layers go in waves, in
/// topological order: a wave is every layer not yet fit whose input no unfit layer feeds, so each layer is fit on the
/// student's own inputs, with everything upstream already fit (earlier errors are corrected, not compounded). Per wave,
/// per sample in ordinal order, the student runs on from what earlier waves left to the wave's inputs
/// (<see cref="StudentFrontier"/>) against the teacher's targets (<see cref="TeacherTargets"/>, one teacher run per
/// sample); statistics stream (<see cref="LayerStatistics"/>), then every layer
/// of the wave is fit (<see cref="LayerFit"/>) and written before the next wave runs.
/// </summary>
/// <param name="guarded">
/// Auto (a profile's default): keep the undistilled model when it agrees better with the teacher on the held-out
/// samples than both ways of fitting. Asked for explicitly, the fit is written anyway: the ways judged there were fit
/// on half the samples, and on few samples that can lose to the undistilled model where the fit on all of them wins.
/// </param>
internal sealed class LayerwiseDistillationPass(bool guarded = false) : ICompressionPass
{
    public string Name => "distill-layerwise";

    public PassReport Apply(CompressionContext context)
    {
        var clock = Stopwatch.StartNew();
        var teacher = context.Teacher ?? throw new InvalidOperationException("layer-wise distillation runs after the plan kept its teacher");
        var data = context.CalibrationData ?? throw new InvalidOperationException("layer-wise distillation needs CalibrationData (the planner requires it)");
        var samples = DataSet.SampleFolders(data);
        var found = LayerFinder.Find(context, teacher);
        if (found.Count == 0) return PassReport.Nothing(Name, "no compressed Conv, MatMul or Gemm layer in a form the fit can hold");
        var targets = new TeacherTargets(teacher, context.Original.SourcePath, samples, found, context.Threads);
        var all = Enumerable.Range(0, samples.Count).ToList();

        // Two ways to pick each layer's target (per layer on held-out samples, or the refit everywhere): a layer's own
        // error does not say how errors compound downstream, and fits on few samples can match those samples almost
        // exactly. So each way is fit on the even samples and judged by how well the model then agrees with the
        // teacher's outputs on the odd ones; the better way is fit again on all samples, unless (guarded) the
        // undistilled student agrees better on those held-out samples than either: then the fit is not written at all.
        var start = context.Model.Graph.Clone();
        var refitEverywhere = true;
        double undistilledScore = double.NaN, perLayerScore = double.NaN, everywhereScore = double.NaN;
        if (samples.Count >= 4)
        {
            var fitOn = all.Where(i => i % 2 == 0).ToList();
            var judgeOn = samples.Where((_, i) => i % 2 == 1).ToList();
            var agreement = new OutputAgreement(teacher.Graph.Output.Select(o => o.Name));
            DataSetRuns.Observe(teacher, context.Original.SourcePath, judgeOn, context.Threads, agreement.Recorder);
            undistilledScore = Agreement(context, judgeOn, agreement);
            Distill(context, targets, samples, fitOn, alwaysRefit: false);
            perLayerScore = Agreement(context, judgeOn, agreement);
            context.Model.Graph = start.Clone();
            Distill(context, targets, samples, fitOn, alwaysRefit: true);
            everywhereScore = Agreement(context, judgeOn, agreement);
            context.Model.Graph = start;
            refitEverywhere = !(perLayerScore > everywhereScore);
            if (guarded && undistilledScore > Math.Max(perLayerScore, everywhereScore))
            {
                return new PassReport(Name, 0, 0, 0,
                [
                    string.Create(CultureInfo.InvariantCulture,
                        $"the undistilled model kept: fit on the even samples, model output SQNR vs the teacher on the odd ones was {perLayerScore:F1} dB with targets chosen per layer and {everywhereScore:F1} dB refit everywhere, {undistilledScore:F1} dB without distillation"),
                    string.Create(CultureInfo.InvariantCulture, $"{clock.Elapsed.TotalSeconds:F1} s, process peak working set {PeakMegabytes():F0} MB"),
                ]);
            }
        }
        var chosen = Distill(context, targets, samples, all, refitEverywhere);
        var (layers, waves, fits, skipped) = chosen;
        var improved = fits.Count(f => f.After < f.Before);
        var gains = fits.Where(f => f.Signal > 0).Select(f => (Db(f.Signal, f.Before), Db(f.Signal, f.After))).ToList();
        return new PassReport(Name, improved, 0, 0,
        [
            string.Create(CultureInfo.InvariantCulture,
                $"{improved} of {layers.Count} compressed layers fit to the teacher in {waves} waves over {samples.Count} samples ({string.Join(", ", layers.GroupBy(l => l.Weight.Kind).Select(g => $"{g.Count()} {g.Key}"))}); {skipped} not fit (shapes differ from the teacher's)"),
            string.Create(CultureInfo.InvariantCulture,
                $"targets {(refitEverywhere ? "refit for every layer" : "chosen per layer on held-out samples")} (fit on the even samples, model output SQNR vs the teacher on the odd ones: {perLayerScore:F1} dB chosen per layer, {everywhereScore:F1} dB refit everywhere, {undistilledScore:F1} dB undistilled); {fits.Count(f => f.Refit)} layers refit, {fits.Count(f => !f.Refit)} toward the teacher's weights"),
            string.Create(CultureInfo.InvariantCulture,
                $"median layer output SQNR on the calibration rows {Median(gains.Select(g => g.Item1))} dB before, {Median(gains.Select(g => g.Item2))} dB after"),
            string.Create(CultureInfo.InvariantCulture, $"{clock.Elapsed.TotalSeconds:F1} s, process peak working set {PeakMegabytes():F0} MB"),
        ]);
    }

    private static double PeakMegabytes() => Process.GetCurrentProcess().PeakWorkingSet64 / (1024.0 * 1024.0);

    private sealed record Outcome(IReadOnlyList<DistilledLayer> Layers, int Waves, List<LayerFit.Result> Fits, int Skipped);

    /// <summary>Fits every layer, wave by wave, on the samples at <paramref name="fitOn"/> (indices into <paramref name="samples"/>).</summary>
    private static Outcome Distill(CompressionContext context, TeacherTargets targets, IReadOnlyList<string> samples, List<int> fitOn, bool alwaysRefit)
    {
        var layers = LayerFinder.Find(context, context.Teacher!);
        var waves = Waves(context.Model, layers);
        var fits = new List<LayerFit.Result>();
        var skipped = 0;
        var student = new StudentFrontier(context.Model, context.Original.SourcePath, fitOn.Select(i => samples[i]).ToList(), context.Threads);
        foreach (var wave in waves)
        {
            var statistics = wave.Select(l => new LayerStatistics(l)).ToList();
            var inputs = student.Advance(wave.Select(l => l.Input).Distinct().ToList());
            for (var i = 0; i < fitOn.Count; i++)
                foreach (var s in statistics) s.Add(inputs[i][s.Layer.Input], targets.Of(s.Layer, fitOn[i]));
            foreach (var s in statistics)
            {
                if (LayerFit.Fit(s, alwaysRefit) is { } result) fits.Add(result);
                else skipped++;
            }
        }
        return new Outcome(layers, waves.Count, fits, skipped);
    }

    private static double Agreement(CompressionContext context, IReadOnlyList<string> samples, OutputAgreement agreement)
    {
        var meter = agreement.StartMeter();
        DataSetRuns.Observe(context.Model, context.Original.SourcePath, samples, context.Threads, meter);
        return meter.MinSqnrDb;
    }

    /// <summary>Layers grouped so each wave's inputs depend only on layers of earlier waves.</summary>
    private static List<List<DistilledLayer>> Waves(ModelProto model, IReadOnlyList<DistilledLayer> layers)
    {
        var graph = new GraphIndex(model.Graph);
        var outputs = layers.Select(l => l.Output).ToHashSet(StringComparer.Ordinal);
        var dependsOn = new Dictionary<DistilledLayer, HashSet<string>>();
        foreach (var layer in layers)
        {
            // The fitted outputs upstream of this layer's input.
            var upstream = new HashSet<string>(StringComparer.Ordinal);
            var seen = new HashSet<string>(StringComparer.Ordinal);
            var pending = new Stack<string>([layer.Input]);
            while (pending.Count > 0)
            {
                var value = pending.Pop();
                if (!seen.Add(value)) continue;
                if (outputs.Contains(value)) upstream.Add(value);
                if (graph.ProducerOf(value) is not { } producer) continue;
                foreach (var input in producer.Input.Concat(graph.ImplicitInputsOf(producer)))
                    if (input.Length > 0) pending.Push(input);
            }
            dependsOn[layer] = upstream;
        }
        var waves = new List<List<DistilledLayer>>();
        var done = new HashSet<string>(StringComparer.Ordinal);
        var left = layers.ToList();
        while (left.Count > 0)
        {
            var wave = left.Where(l => dependsOn[l].All(done.Contains)).ToList();
            if (wave.Count == 0) wave = [left[0]]; // a cycle cannot happen in a valid graph; never stall
            waves.Add(wave);
            foreach (var layer in wave) done.Add(layer.Output);
            left.RemoveAll(wave.Contains);
        }
        return waves;
    }

    private static double Db(double signal, double error) => error <= 0 ? 200 : Math.Min(200, 10 * Math.Log10(signal / error));

    private static string Median(IEnumerable<double> values)
    {
        var sorted = values.Order().ToList();
        return sorted.Count == 0 ? "n/a" : sorted[sorted.Count / 2].ToString("F1", CultureInfo.InvariantCulture);
    }
}

using System.Globalization;
using Compression.Engine.Pipeline;
using Compression.Engine.Preprocessing;
using Compression.Engine.Preprocessing.DeadCode;
using Compression.Engine.Recipes;
using Compression.Evaluation.Inference;
using Compression.Onnx.Diagnostics;
using Compression.Onnx.Editing;
using Compression.Onnx.Graph;
using Compression.Onnx.Protobuf;

namespace Compression.Engine.Pruning.Structured;

/// <summary>
/// Structured channel pruning (<c>Pruning=channels:F</c>): whole output channels of Conv/Gemm layers go, with the
/// inputs that read them, so tensors shrink and the model does less work. Steps: fold constants and
/// BatchNormalization into the Convs (so a channel's scale lives in its filter); tie channels across the graph
/// (<see cref="ChannelGraph"/>); rank classes (<see cref="ChannelImportance"/>) and remove F of each cluster or of all
/// (<see cref="ChannelSelection"/>); cut the tensors (<see cref="ChannelRemoval"/>); refit each dense layer whose
/// inputs shrank by least squares on the calibration data (<see cref="LayerRefit"/>), toward the unpruned layer's
/// outputs. Without calibration data, importance comes from filter norms and nothing is refit (warning MCB2120).
/// Transformer feed-forward blocks (MatMul → activation → MatMul) lose the same fraction of their hidden units
/// (<see cref="FeedForwardPruning"/>), attention blocks of their heads (<see cref="AttentionHeadPruning"/>).
/// </summary>
/// <param name="refit">
/// False skips the refit even with calibration data (same channels removed): for measuring what the refit recovers.
/// </param>
internal sealed class ChannelPruningPass(bool refit = true) : ICompressionPass
{
    public string Name => "prune-channels";

    /// <summary>
    /// BatchNormalization inside the filters (equalization is for quantization); without calibration data, importance
    /// from filter norms and no refit, with a warning.
    /// </summary>
    public PassRequirements Requirements(Recipe recipe) => new()
    {
        Preprocessing = PreprocessingNeeds.FoldedWeights,
        WithoutCalibrationData = new Fallback(recipe, EngineErrorCodes.StructuredPruningWithoutRefit,
            "channel pruning without CalibrationData: the layers whose inputs lose channels are not refit, and accuracy suffers; give the item CalibrationData."),
    };

    public PassReport Apply(CompressionContext context)
    {
        if (context.Recipe.Pruning is not PruningSpec.Channels spec) return PassReport.Nothing(Name, "no channel pruning in the recipe");
        var model = context.Model;
        var bytesBefore = ConstantBytes.Of(model);
        var notes = new List<string>();
        var reference = model.Clone();

        var changed = PruneChannels(context, spec, reference, notes);
        // Transformer blocks are MatMul chains the channel graph pins; they are pruned on their own rules.
        changed += FeedForwardPruning.Apply(context, model, reference, spec.Fraction, refit, notes);
        changed += AttentionHeadPruning.Apply(context, model, reference, spec.Fraction, refit, notes);
        if (changed == 0) return new PassReport(Name, 0, bytesBefore, ConstantBytes.Of(model), notes);
        new DeadCodePass().Apply(model);
        // Later passes (quantization) and the budget's per-layer comparison start from the pruned float model.
        context.FloatReference = model.Clone();
        return new PassReport(Name, changed, bytesBefore, ConstantBytes.Of(model), notes);
    }

    /// <summary>Removes Conv/Gemm channels (and refits); returns the number of layers changed and adds its notes.</summary>
    private int PruneChannels(CompressionContext context, PruningSpec.Channels spec, ModelProto reference, List<string> notes)
    {
        var model = context.Model;
        var index = new ModelIndex(model);
        IReadOnlyDictionary<string, ValueInfo> shapes;
        try
        {
            shapes = ShapeInference.Infer(index);
        }
        catch (CompressionException e)
        {
            notes.Add($"no channels pruned: shapes cannot be inferred ({e.Message})");
            return 0;
        }
        var graph = ChannelGraph.Build(index.Main, shapes, ConstantStorage.UsesInitializers(model));
        if (graph.Layers.Count == 0)
        {
            notes.Add("no Conv or Gemm layer with a constant weight of its own: no channels to prune");
            return 0;
        }
        foreach (var layer in graph.Layers.Where(l => context.IsExcluded(l.Node)))
        {
            graph.Slots.Pin(layer.Input, $"excluded ('{layer.Node.Name}')");
            graph.Slots.Pin(layer.Output, $"excluded ('{layer.Node.Name}')");
        }

        var data = context.CalibrationData;
        var importance = data is null
            ? ChannelImportance.FromFilters(graph)
            : ChannelImportance.FromActivations(graph, CalibrationRuns.Energies(reference, context.Original.SourcePath, data, context.Threads,
                graph.Layers.Where(l => l.IsDense).Select(l => l.Input).ToHashSet(StringComparer.Ordinal)));
        var removed = ChannelSelection.Select(graph, importance, spec.Fraction, context.Recipe.ResolvedPruningScope);
        notes.Add(Summary(graph, removed, data is null ? "filter L2 norms" : "activation energy into the next layers", context.Recipe.ResolvedPruningScope));
        if (removed.Count == 0)
        {
            notes.AddRange(PinNotes(graph));
            return 0;
        }

        var kept = ChannelRemoval.Apply(model, graph, removed);
        context.RecordKeptChannels(kept);
        var changed = graph.Layers.Count(l => kept.ContainsKey(l.Output) || (l.IsDense && kept.ContainsKey(l.Input)));
        var refitLayers = graph.Layers.Where(l => l.IsDense && kept.ContainsKey(l.Input) && !context.IsExcluded(l.Node)).ToList();
        // Without data the plan carries the warning (MCB2120); the note says how many layers it concerns.
        if (data is null)
            notes.Add($"no CalibrationData: {refitLayers.Count} layer(s) whose inputs lost channels are not refit");
        else if (refit && refitLayers.Count > 0)
        {
            var samples = Math.Max(1, Compression.Evaluation.DataSets.DataSet.SampleFolders(data).Count);
            var refits = refitLayers.Select(l => new LayerRefit(l, kept.GetValueOrDefault(l.Output)
                ?? Enumerable.Range(0, graph.Slots.ChannelsOf(l.Output)).ToArray(), samples)).ToList();
            CalibrationRuns.Refit(reference, context.Original.SourcePath, data, context.Threads, refits, kept);
            var names = new UniqueNames(model);
            foreach (var layerRefit in refits) layerRefit.SolveAndWrite(model, names);
            notes.Add(RefitNote(refits));
        }
        notes.AddRange(PinNotes(graph));
        return changed;
    }

    private static string Summary(ChannelGraph graph, HashSet<int> removed, string importance, PruningScope scope)
    {
        var slots = graph.Slots;
        var roots = Enumerable.Range(0, slots.Count).Select(slots.Find).Distinct().ToList();
        var prunable = roots.Count(r => !slots.IsPinned(r));
        var producers = graph.Layers.Sum(l => slots.ChannelsOf(l.Output));
        var removedFilters = graph.Layers.Sum(l => slots.Roots(l.Output).Count(removed.Contains));
        return string.Create(CultureInfo.InvariantCulture,
            $"{removed.Count} of {prunable} prunable channel classes removed ({roots.Count - prunable} pinned), {removedFilters} of {producers} Conv/Gemm filters; importance from {importance}, {scope.ToString().ToLowerInvariant()} scope");
    }

    private static string RefitNote(List<LayerRefit> refits)
    {
        static double Db(double signal, double noise) => noise <= 0 ? 999 : 10 * Math.Log10(signal / noise);
        var solved = refits.Where(r => r.Error is not null).Select(r => r.Error!.Value).ToList();
        if (solved.Count == 0) return $"no layer could be refit ({refits.Count} candidates)";
        // The median: a layer whose removed inputs were dead fits exactly, and one such layer would swamp a mean of dB.
        static double Median(IEnumerable<double> values) => values.Order().ElementAt(values.Count() / 2);
        var before = Median(solved.Select(e => Db(e.Signal, e.Before)));
        var after = Median(solved.Select(e => Db(e.Signal, e.After)));
        return string.Create(CultureInfo.InvariantCulture,
            $"{solved.Count} of {refits.Count} layers refit by least squares; median layer-output SQNR on the calibration data (original inputs) {before:F1} dB → {after:F1} dB");
    }

    private static IEnumerable<string> PinNotes(ChannelGraph graph)
    {
        var slots = graph.Slots;
        return Enumerable.Range(0, slots.Count).Select(slots.Find).Distinct().Where(slots.IsPinned)
            .GroupBy(r => Kind(slots.PinReason(r) ?? "?"), StringComparer.Ordinal)
            .OrderBy(g => g.Key, StringComparer.Ordinal)
            .Select(g => $"pinned ×{g.Count()}: {g.Key}");
    }

    /// <summary>A pin reason without the node's name, so reasons group.</summary>
    private static string Kind(string reason) => reason.LastIndexOf(" (", StringComparison.Ordinal) is > 0 and var at ? reason[..at] : reason;
}

using System.Globalization;
using Compression.Engine.Pipeline;
using Compression.Engine.Recipes;
using Compression.Onnx.Editing;
using Compression.Onnx.Graph;
using Compression.Onnx.Protobuf;
using Compression.Onnx.Tensors;

namespace Compression.Engine.Pruning.Structured;

/// <summary>
/// Structured pruning of transformer feed-forward blocks (<see cref="FeedForwardBlock"/>), the MatMul counterpart of
/// channel pruning: the recipe's fraction of each block's hidden units goes (W1's columns, the bias entries, W2's rows).
/// Importance as for channels: with calibration data the energy a unit sends into the second MatMul,
/// E[h_j²]·Σ_k W2[j,k]², else the weight magnitudes ‖W1[:,j]‖·‖W2[j,:]‖ (what the unit can pass through at most,
/// per unit of input), selected by <see cref="UnitSelection"/>. With calibration data the second MatMul is refit
/// (<see cref="ProjectionRefit"/>).
/// </summary>
internal static class FeedForwardPruning
{
    /// <summary>Prunes every block of the model's main graph; returns the number of tensors changed and adds its notes.</summary>
    public static int Apply(CompressionContext context, ModelProto model, ModelProto reference, double fraction, bool refit, List<string> notes)
    {
        var main = new ModelIndex(model).Main;
        var blocks = FeedForwardBlock.FindAll(main, ConstantStorage.UsesInitializers(model), context.IsExcluded);
        if (blocks.Count == 0) return 0;
        var data = context.CalibrationData;
        var importance = data is null
            ? blocks.Select(FromWeights).ToList()
            : FromActivations(blocks, CalibrationRuns.Energies(reference, context.Original.SourcePath, data, context.Threads,
                blocks.Select(b => b.Hidden).ToHashSet(StringComparer.Ordinal), lastAxis: true));
        var kept = Select(blocks, importance, fraction, context.Recipe.ResolvedPruningScope);
        var units = blocks.Sum(b => b.Width);
        var removed = units - kept.Sum(k => k.Length);
        notes.Add(string.Create(CultureInfo.InvariantCulture,
            $"{removed} of {units} feed-forward hidden units removed in {blocks.Count} MatMul → activation → MatMul block(s); importance from {(data is null ? "weight magnitudes" : "activation energy into the second MatMul")}"));
        if (removed == 0) return 0;

        var changed = 0;
        for (var i = 0; i < blocks.Count; i++)
        {
            if (kept[i].Length == blocks[i].Width) continue;
            Remove(model, blocks[i], kept[i]);
            var keptUnits = kept[i];
            context.RecordKeptChannels(blocks[i].Region.Distinct(StringComparer.Ordinal).ToDictionary(v => v, _ => keptUnits, StringComparer.Ordinal));
            changed += blocks[i].Bias is null ? 2 : 3;
        }
        if (data is not null && refit) notes.Add(Refit(context, reference, data, blocks, kept));
        return changed;
    }

    private static double[] FromWeights(FeedForwardBlock block)
    {
        var up = UnitSelection.SquaredSums(block.UpWeight.Tensor, axis: 1);
        var down = UnitSelection.SquaredSums(block.DownWeight.Tensor, axis: 0);
        return up.Select((u, j) => Math.Sqrt(u * down[j])).ToArray();
    }

    private static List<double[]> FromActivations(List<FeedForwardBlock> blocks, IReadOnlyDictionary<string, double[]> energy) =>
        blocks.Select(b =>
        {
            var reads = UnitSelection.SquaredSums(b.DownWeight.Tensor, axis: 0);
            // A block the data never reached keeps the magnitude ranking rather than a ranking of zeros.
            return energy.TryGetValue(b.Hidden, out var e) && e.Length == b.Width ? e.Select((x, j) => x * reads[j]).ToArray() : FromWeights(b);
        }).ToList();

    private static List<int[]> Select(List<FeedForwardBlock> blocks, List<double[]> importance, double fraction, PruningScope scope) =>
        scope == PruningScope.Layer
            ? blocks.Select((b, i) => UnitSelection.Kept(b.Width, importance[i], fraction)).ToList()
            : UnitSelection.KeptGlobally(blocks.Select(b => b.Width).ToList(), importance, fraction);

    /// <summary>Cuts W1's columns, the bias entries and W2's rows of the removed units, and corrects declared shapes of the hidden values.</summary>
    private static void Remove(ModelProto model, FeedForwardBlock block, int[] keep)
    {
        ChannelSlicing.SliceInPlace(block.UpWeight.Tensor, 1, keep);
        if (block.Bias is { } bias) ChannelSlicing.SliceInPlace(bias.Tensor, bias.Tensor.Dims.Count - 1, keep);
        ChannelSlicing.SliceInPlace(block.DownWeight.Tensor, 0, keep);
        var region = block.Region.ToHashSet(StringComparer.Ordinal);
        foreach (var info in model.Graph.ValueInfo.Where(v => region.Contains(v.Name)))
            if (info.Type?.TensorType?.Shape is { Dim.Count: > 0 } shape && shape.Dim[^1].HasDimValue)
                shape.Dim[^1] = new TensorShapeProto.Types.Dimension { DimValue = keep.Length };
    }

    private static string Refit(CompressionContext context, ModelProto reference, string data, List<FeedForwardBlock> blocks, List<int[]> kept)
    {
        var refits = blocks.Select((b, i) => (b, k: kept[i])).Where(p => p.k.Length < p.b.Width)
            .Select(p => new ProjectionRefit(p.b.DownWeight, p.b.Hidden, p.b.Down.Output[0], p.k)).ToList();
        return ProjectionRefits.Run(context, reference, data, refits, "feed-forward blocks");
    }
}

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
/// per unit of input). Layer scope removes ⌊F·h⌋ per block; global scope ranks all units by their importance over
/// their block's mean. With calibration data the second MatMul is refit (<see cref="FeedForwardRefit"/>).
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
        var kept = Select(blocks, importance, fraction, context.Recipe.PruningScope);
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
            changed += blocks[i].Bias is null ? 2 : 3;
        }
        if (data is not null && refit) notes.Add(Refit(context, reference, data, blocks, kept));
        return changed;
    }

    private static double[] FromWeights(FeedForwardBlock block)
    {
        var up = SquaredSums(block.UpWeight.Tensor, axis: 1);
        var down = SquaredSums(block.DownWeight.Tensor, axis: 0);
        return up.Select((u, j) => Math.Sqrt(u * down[j])).ToArray();
    }

    private static List<double[]> FromActivations(List<FeedForwardBlock> blocks, IReadOnlyDictionary<string, double[]> energy) =>
        blocks.Select(b =>
        {
            var reads = SquaredSums(b.DownWeight.Tensor, axis: 0);
            // A block the data never reached keeps the magnitude ranking rather than a ranking of zeros.
            return energy.TryGetValue(b.Hidden, out var e) && e.Length == b.Width ? e.Select((x, j) => x * reads[j]).ToArray() : FromWeights(b);
        }).ToList();

    /// <summary>Per block, the indices of the units kept, ascending; every block keeps at least one. Ties break on the lower index.</summary>
    private static List<int[]> Select(List<FeedForwardBlock> blocks, List<double[]> importance, double fraction, PruningScope scope)
    {
        var removed = blocks.Select(_ => new HashSet<int>()).ToList();
        if (scope == PruningScope.Layer)
        {
            for (var b = 0; b < blocks.Count; b++)
            {
                var count = Math.Min(blocks[b].Width - 1, (int)Math.Floor(fraction * blocks[b].Width));
                foreach (var j in Enumerable.Range(0, blocks[b].Width).OrderBy(j => importance[b][j]).ThenBy(j => j).Take(count)) removed[b].Add(j);
            }
        }
        else
        {
            var ranked = new List<(double Worth, int Block, int Unit)>();
            for (var b = 0; b < blocks.Count; b++)
            {
                var mean = importance[b].Average();
                ranked.AddRange(importance[b].Select((w, j) => (mean > 0 ? w / mean : 0, b, j)));
            }
            var count = (int)Math.Floor(fraction * ranked.Count);
            foreach (var (_, b, j) in ranked.OrderBy(r => r.Worth).ThenBy(r => r.Block).ThenBy(r => r.Unit).Take(count))
                if (removed[b].Count < blocks[b].Width - 1) removed[b].Add(j);
        }
        return blocks.Select((block, b) => Enumerable.Range(0, block.Width).Where(j => !removed[b].Contains(j)).ToArray()).ToList();
    }

    /// <summary>Cuts W1's columns, the bias entries and W2's rows of the removed units, and corrects declared shapes of the hidden values.</summary>
    private static void Remove(ModelProto model, FeedForwardBlock block, int[] keep)
    {
        Slice(block.UpWeight.Tensor, 1, keep);
        if (block.Bias is { } bias) Slice(bias.Tensor, bias.Tensor.Dims.Count - 1, keep);
        Slice(block.DownWeight.Tensor, 0, keep);
        var region = block.Region.ToHashSet(StringComparer.Ordinal);
        foreach (var info in model.Graph.ValueInfo.Where(v => region.Contains(v.Name)))
            if (info.Type?.TensorType?.Shape is { Dim.Count: > 0 } shape && shape.Dim[^1].HasDimValue)
                shape.Dim[^1] = new TensorShapeProto.Types.Dimension { DimValue = keep.Length };
    }

    private static void Slice(TensorProto tensor, int axis, int[] keep)
    {
        var dims = tensor.Dims.ToArray();
        TensorData.Replace<float>(tensor, dims, ChannelSlicing.Slice(TensorData.Read<float>(tensor), dims, axis, keep));
    }

    private static string Refit(CompressionContext context, ModelProto reference, string data, List<FeedForwardBlock> blocks, List<int[]> kept)
    {
        var refits = blocks.Select((b, i) => (b, k: kept[i])).Where(p => p.k.Length < p.b.Width).Select(p => new FeedForwardRefit(p.b, p.k)).ToList();
        var names = refits.SelectMany(r => new[] { r.Block.Hidden, r.Block.Down.Output[0] }).ToHashSet(StringComparer.Ordinal);
        CalibrationRuns.ForEachSample(reference, context.Original.SourcePath, data, context.Threads, names, (sample, value) =>
        {
            foreach (var r in refits)
                if (value(r.Block.Hidden) is { } hidden && value(r.Block.Down.Output[0]) is { } target) r.Accumulate(sample, hidden, target);
        });
        foreach (var r in refits) r.SolveAndWrite();
        static double Db(double signal, double noise) => noise <= 0 ? 999 : 10 * Math.Log10(signal / noise);
        var scored = refits.Where(r => r.HeldOut is not null).ToList();
        if (scored.Count == 0) return $"no feed-forward block refit: the calibration data has fewer than two samples to fit and score on";
        var median = scored.Select(r => Db(r.HeldOut!.Value.Signal, r.HeldOut.Value.Before)).Order().ElementAt(scored.Count / 2);
        var written = refits.Where(r => r.Written).ToList();
        var after = written.Count == 0 ? "" : string.Create(CultureInfo.InvariantCulture,
            $", refit {written.Select(r => Db(r.HeldOut!.Value.Signal, r.HeldOut.Value.After)).Order().ElementAt(written.Count / 2):F1} dB");
        return string.Create(CultureInfo.InvariantCulture,
            $"{written.Count} of {refits.Count} feed-forward blocks refit by least squares (kept where the refit beat the pruned weights on held-out samples; {refits.Max(r => r.Rows)} tokens per block); median held-out SQNR of the second MatMul's output: pruned {median:F1} dB{after}");
    }

    /// <summary>Σ w² per index along <paramref name="axis"/> of a 2-D weight.</summary>
    private static double[] SquaredSums(TensorProto tensor, int axis)
    {
        var (rows, cols) = (checked((int)tensor.Dims[0]), checked((int)tensor.Dims[1]));
        var values = TensorData.Read<float>(tensor);
        var sums = new double[axis == 0 ? rows : cols];
        for (var i = 0; i < values.Length; i++) sums[axis == 0 ? i / cols : i % cols] += (double)values[i] * values[i];
        return sums;
    }
}

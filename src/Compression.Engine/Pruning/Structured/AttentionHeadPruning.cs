using System.Globalization;
using Compression.Engine.Pipeline;
using Compression.Engine.Recipes;
using Compression.Evaluation.Inference;
using Compression.Onnx.Diagnostics;
using Compression.Onnx.Editing;
using Compression.Onnx.Graph;
using Compression.Onnx.Protobuf;
using Compression.Onnx.Tensors;

namespace Compression.Engine.Pruning.Structured;

/// <summary>
/// Structured pruning of attention heads (<see cref="AttentionBlock"/>): the recipe's fraction of each block's heads
/// goes — their column blocks of Wq, Wk, Wv and the biases, their row block of Wo — and the head count in the three
/// split shapes and the width in the merge shape are lowered to match. Importance as for channels and feed-forward
/// units: with calibration data the energy a head's merged context sends into Wo, Σ over its features of
/// E[c_f²]·Σ_k Wo[f,k]²; without, ‖Wv[:, head]‖·‖Wo[head, :]‖. With calibration data Wo is refit
/// (<see cref="ProjectionRefit"/>). Every block keeps at least one head.
/// </summary>
internal static class AttentionHeadPruning
{
    /// <summary>Prunes every block of the main graph; returns the number of tensors changed and adds its notes.</summary>
    public static int Apply(CompressionContext context, ModelProto model, ModelProto reference, double fraction, bool refit, List<string> notes)
    {
        var index = new ModelIndex(model);
        IReadOnlyDictionary<string, ValueInfo> shapes;
        try
        {
            // Concrete inputs (the representative shapes): a symbolic sequence length stops inference at the first
            // Reshape whose shape is computed, and the rule needs the head axis of the scores and the mask.
            var inputs = Reporting.RepresentativeShapes.Resolve(context.Original, calibrationData: context.CalibrationData);
            shapes = ShapeInference.Infer(index, inputOverrides: Reporting.ModelInspection.InputOverrides(context.Original, inputs));
        }
        catch (CompressionException)
        {
            return 0; // the channel note already says shapes cannot be inferred
        }
        var blocks = AttentionBlock.FindAll(index.Main, shapes, ConstantStorage.UsesInitializers(model), context.IsExcluded);
        if (blocks.Count == 0) return 0;
        var data = context.CalibrationData;
        var importance = data is null
            ? blocks.Select(FromWeights).ToList()
            : FromActivations(blocks, CalibrationRuns.Energies(reference, context.Original.SourcePath, data, context.Threads,
                blocks.Select(b => b.Merged).ToHashSet(StringComparer.Ordinal), lastAxis: true));
        var keptHeads = context.Recipe.ResolvedPruningScope == PruningScope.Layer
            ? blocks.Select((b, i) => UnitSelection.Kept(b.Heads, importance[i], fraction)).ToList()
            : UnitSelection.KeptGlobally(blocks.Select(b => b.Heads).ToList(), importance, fraction);
        var heads = blocks.Sum(b => b.Heads);
        var removed = heads - keptHeads.Sum(k => k.Length);
        notes.Add(string.Create(CultureInfo.InvariantCulture,
            $"{removed} of {heads} attention heads removed in {blocks.Count} attention block(s); importance from {(data is null ? "weight magnitudes" : "context energy into the output projection")}"));
        if (removed == 0) return 0;

        var editor = new ModelEditor(model);
        var changed = 0;
        var refits = new List<ProjectionRefit>();
        for (var i = 0; i < blocks.Count; i++)
        {
            var block = blocks[i];
            if (keptHeads[i].Length == block.Heads) continue;
            var features = keptHeads[i].SelectMany(h => Enumerable.Range(h * block.HeadSize, block.HeadSize)).ToArray();
            // The projections' outputs (before and after a bias) and the merged context keep these features, last axis.
            context.RecordKeptChannels(new[] { block.Query, block.Key, block.Value }
                .SelectMany(p => new[] { p.MatMul.Output[0], p.Reshape.Input[0] }).Append(block.Merged)
                .Distinct(StringComparer.Ordinal).ToDictionary(v => v, _ => features, StringComparer.Ordinal));
            foreach (var projection in new[] { block.Query, block.Key, block.Value })
            {
                ChannelSlicing.SliceInPlace(projection.Weight.Tensor, 1, features);
                if (projection.Bias is { } bias) ChannelSlicing.SliceInPlace(bias.Tensor, 0, features);
                SetEntry(editor, projection.HeadCount, keptHeads[i].Length);
                changed += projection.Bias is null ? 1 : 2;
            }
            ChannelSlicing.SliceInPlace(block.OutputWeight.Tensor, 0, features);
            SetEntry(editor, block.MergedWidth, features.Length);
            changed++;
            var stale = block.Values.ToHashSet(StringComparer.Ordinal);
            var infos = model.Graph.ValueInfo.Where(v => stale.Contains(v.Name)).ToList();
            foreach (var info in infos) model.Graph.ValueInfo.Remove(info);
            refits.Add(new ProjectionRefit(block.OutputWeight, block.Merged, block.Output.Output[0], features));
        }
        if (data is not null && refit) notes.Add(ProjectionRefits.Run(context, reference, data, refits, "attention output projections"));
        return changed;
    }

    private static double[] FromWeights(AttentionBlock block)
    {
        var value = UnitSelection.SquaredSums(block.Value.Weight.Tensor, axis: 1);
        var output = UnitSelection.SquaredSums(block.OutputWeight.Tensor, axis: 0);
        return Enumerable.Range(0, block.Heads).Select(h =>
        {
            var features = Enumerable.Range(h * block.HeadSize, block.HeadSize);
            return Math.Sqrt(features.Sum(f => value[f]) * features.Sum(f => output[f]));
        }).ToArray();
    }

    private static List<double[]> FromActivations(List<AttentionBlock> blocks, IReadOnlyDictionary<string, double[]> energy) =>
        blocks.Select(b =>
        {
            var reads = UnitSelection.SquaredSums(b.OutputWeight.Tensor, axis: 0);
            if (!energy.TryGetValue(b.Merged, out var e) || e.Length != b.Heads * b.HeadSize) return FromWeights(b);
            return Enumerable.Range(0, b.Heads).Select(h => Enumerable.Range(h * b.HeadSize, b.HeadSize).Sum(f => e[f] * reads[f])).ToArray();
        }).ToList();

    /// <summary>A new constant with the entry changed, read in the old one's place (the old one may have other readers).</summary>
    private static void SetEntry(ModelEditor editor, ShapeEntry entry, long value)
    {
        var values = TensorData.Read<long>(entry.Tensor).ToArray();
        values[entry.Index] = value;
        var name = editor.Names.Next($"{entry.Tensor.Name}_pruned");
        var tensor = new TensorProto { Name = name };
        TensorData.Replace<long>(tensor, entry.Tensor.Dims.ToArray(), values);
        editor.Main.AddConstant(tensor, editor.Names.Next($"{name}_constant"));
        editor.Main.SetInput(entry.Reader, entry.InputIndex, name);
    }
}

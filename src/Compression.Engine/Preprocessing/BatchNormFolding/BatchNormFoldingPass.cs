using Compression.Engine.Pipeline;
using Compression.Engine.Preprocessing.ConstantFolding;
using Compression.Evaluation.Inference;
using Compression.Onnx.Editing;
using Compression.Onnx.Graph;
using Compression.Onnx.Protobuf;
using Compression.Onnx.Tensors;

namespace Compression.Engine.Preprocessing.BatchNormFolding;

/// <summary>
/// Folds each inference-mode BatchNormalization — and each Mul by a constant that varies along the channels only
/// (a per-channel scale: PP-LCNet's scalar "learnable affine" Mul after every convolution) — into the Conv,
/// ConvTranspose, Gemm or matrix MatMul that produces its input: the producer's weight is scaled per output channel and
/// its bias (created when absent) shifted, the producer takes over the folded node's output name, and the node
/// disappears. Quantization then sees one weight with the real per-channel range instead of a weight and a scale it
/// cannot merge, and no float step between the convolution and its activation. A producer whose output other nodes also
/// read, or whose weights are not constants, keeps its follower (folding would change what the others see).
/// Arithmetic is in double; the stored weights are float32, as before. An Add by a constant is not folded: activation
/// ranges always include zero, so a shift moved into the producer's output (the affine blocks add up to ±5 to outputs
/// spread over ±1) makes its quantization that much coarser — measured on the PP-OCRv4 detector under static int8:
/// 13.2 dB as it is, 13.4 dB with the scales folded, 8.2 dB with scales and shifts folded.
/// </summary>
internal sealed class BatchNormFoldingPass : IPreprocessingPass
{
    public string Name => "fold-batchnorm";

    public PassReport Apply(ModelProto model)
    {
        var bytesBefore = ConstantBytes.Of(model);
        var names = new UniqueNames(model);
        var freeInitializers = ConstantStorage.UsesInitializers(model);
        var into = new SortedDictionary<string, int>(StringComparer.Ordinal);
        SortedDictionary<string, int> kept;
        var tensors = 0;
        bool changed;
        do
        {
            // A fold renames values, so the index is rebuilt and the graph walked again until nothing more folds
            // (a normalization that followed another one folds in the next round). The last round's reasons stand.
            changed = false;
            kept = new SortedDictionary<string, int>(StringComparer.Ordinal);
            var index = new ModelIndex(model);
            IReadOnlyDictionary<string, ValueInfo>? shapes = null;
            int? RankOf(string value) => (shapes ??= StaticShapes.Infer(index)).GetValueOrDefault(value)?.Rank;
            foreach (var graph in index.AllGraphs.ToList())
            {
                foreach (var node in graph.Graph.Node.ToList())
                {
                    if (ModelIndex.NormalizeDomain(node.Domain).Length != 0) continue;
                    FoldTarget? target;
                    ChannelAffine? parameters;
                    if (node.OpType == "BatchNormalization")
                    {
                        target = Target(index, graph, node, freeInitializers, RankOf, out parameters, out var reason);
                        if (target is null)
                        {
                            kept[reason!] = kept.GetValueOrDefault(reason!) + 1;
                            continue;
                        }
                    }
                    else if (node.OpType == "Mul" && (index.OpsetOf(node) ?? 1) >= 7)
                    {
                        // Not every Mul is a scale of a convolution's output; those that are not stay silently.
                        target = AffineTarget(index, graph, node, freeInitializers, RankOf, out parameters);
                        if (target is null) continue;
                    }
                    else continue;
                    tensors += Fold(model, graph, node, target, parameters!, names);
                    var key = node.OpType == "BatchNormalization" ? target.Producer.OpType : $"{node.OpType} into {target.Producer.OpType}";
                    into[key] = into.GetValueOrDefault(key) + 1;
                    changed = true;
                }
            }
        } while (changed);

        var normalizations = into.Where(p => !p.Key.Contains(' ')).ToList();
        var affines = into.Where(p => p.Key.Contains(' ')).ToList();
        var notes = new List<string>
        {
            $"{normalizations.Sum(p => p.Value)} BatchNormalization nodes folded"
            + (normalizations.Count == 0 ? "" : " into " + string.Join(", ", normalizations.Select(p => $"{p.Key} ×{p.Value}"))),
        };
        if (affines.Count > 0)
            notes.Add($"{affines.Sum(p => p.Value)} per-channel Mul by constants folded: " + string.Join(", ", affines.Select(p => $"{p.Key} ×{p.Value}")));
        notes.AddRange(kept.Select(p => $"kept {p.Value}× BatchNormalization: {p.Key}"));
        return new PassReport(Name, tensors, bytesBefore, ConstantBytes.Of(model), notes);
    }

    /// <summary>
    /// The producer a Mul folds into: one input the sole reading of a foldable producer's output, the other a constant
    /// along the channels; null when it is not such a node.
    /// </summary>
    private static FoldTarget? AffineTarget(ModelIndex index, GraphIndex graph, NodeProto node, bool freeInitializers,
        Func<string, int?> rankOf, out ChannelAffine? parameters)
    {
        parameters = null;
        for (var data = 0; data < Math.Min(2, node.Input.Count); data++)
        {
            var input = node.Input[data];
            if (graph.ProducerOf(input) is not { } producer || producer.Output.Count != 1) continue;
            if (graph.ConsumersOf(input).Count != 1 || graph.Graph.Output.Any(o => o.Name == input)) continue;
            var target = FoldTarget.Find(graph, producer, index.OpsetOf(producer) ?? 1, freeInitializers, rankOf, out _);
            if (target is null) continue;
            var rank = producer.OpType is "Conv" or "ConvTranspose" ? target.WeightDims.Length : 2;
            parameters = ChannelAffine.FromMul(graph, node, data, rank, freeInitializers);
            if (parameters is not null && (parameters.Channels == 1 || parameters.Channels == target.Channels)) return target;
        }
        parameters = null;
        return null;
    }

    /// <summary>The producer a BatchNormalization <paramref name="node"/> folds into, or null with the reason it stays.</summary>
    private static FoldTarget? Target(ModelIndex index, GraphIndex graph, NodeProto node, bool freeInitializers,
        Func<string, int?> rankOf, out ChannelAffine? parameters, out string? reason)
    {
        parameters = null;
        var opset = index.OpsetOf(node) ?? 1;
        var input = node.Input.Count > 0 ? node.Input[0] : "";
        // Outputs past the first (running statistics, before opset 14 in inference too) must be unread: they vanish.
        if (node.Output.Skip(1).Any(o => o.Length > 0 && (graph.ConsumersOf(o).Count > 0 || graph.Graph.Output.Any(g => g.Name == o))))
        {
            reason = "its statistics outputs are read";
            return null;
        }
        if (graph.ProducerOf(input) is not { } producer)
        {
            reason = "its input is not produced by a node";
            return null;
        }
        if (graph.ConsumersOf(input).Count != 1 || graph.Graph.Output.Any(o => o.Name == input) || producer.Output.Count != 1)
        {
            reason = $"the {producer.OpType} output is read by other nodes too";
            return null;
        }
        parameters = ChannelAffine.FromBatchNormalization(graph, node, opset, freeInitializers, out reason);
        if (parameters is null) return null;
        var target = FoldTarget.Find(graph, producer, index.OpsetOf(producer) ?? 1, freeInitializers, rankOf, out reason);
        if (target is not null && target.Channels != parameters.Channels)
        {
            reason = $"its {parameters.Channels} channels are not the {target.Channels} outputs of the {producer.OpType}";
            return null;
        }
        return target;
    }

    /// <summary>Rewrites the producer with the folded weight and bias and removes the normalization; returns tensors written.</summary>
    private static int Fold(ModelProto model, GraphIndex graph, NodeProto node, FoldTarget target, ChannelAffine affine, UniqueNames names)
    {
        var producer = target.Producer;
        var weights = TensorData.Read<float>(target.Weight.Tensor);
        var scaled = new float[weights.Length];
        for (var i = 0; i < weights.Length; i++) scaled[i] = (float)(weights[i] * affine.Of(target.ChannelOf(i)).Scale);
        var bias = new float[target.Channels];
        for (var c = 0; c < bias.Length; c++) bias[c] = (float)(target.Bias[c] * affine.Of(c).Scale + affine.Of(c).Shift);

        var baseName = producer.Name.Length > 0 ? producer.Name : producer.Output[0];
        var weightName = FoldedWeights.Store(model, graph, producer, target.Weight, target.WeightDims, scaled, $"{target.Weight.Name}_bn", names);
        var biasName = FoldedWeights.Store(model, graph, producer, target.BiasWeight, [target.Channels], bias, $"{baseName}_bias", names);

        var oldOutput = producer.Output[0];
        if (producer.OpType == "MatMul")
        {
            // A matrix product with a bias is a Gemm (alpha = beta = 1, no transposes): one node, as before.
            var gemm = NodeBuilder.Op("Gemm", producer.Name).Domain(producer.Domain).Inputs(producer.Input[0], weightName, biasName).Outputs(node.Output[0]).Build();
            graph.Graph.Node[graph.Graph.Node.IndexOf(producer)] = gemm;
        }
        else
        {
            producer.Input[1] = weightName;
            while (producer.Input.Count < 3) producer.Input.Add("");
            producer.Input[2] = biasName;
            if (producer.OpType == "Gemm") SetBetaToOne(producer);
            producer.Output[0] = node.Output[0];
        }
        graph.Graph.Node.Remove(node);
        // The producer's old output no longer exists; a declared type for it would describe nothing.
        foreach (var stale in graph.Graph.ValueInfo.Where(v => v.Name == oldOutput).ToList()) graph.Graph.ValueInfo.Remove(stale);
        return 2;
    }

    private static void SetBetaToOne(NodeProto gemm)
    {
        // The folded bias already holds beta·C.
        gemm.RemoveAttribute("beta");
    }
}

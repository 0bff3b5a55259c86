using Compression.Engine.Graphs;
using Compression.Engine.Pipeline;
using Compression.Engine.Preprocessing.ConstantFolding;
using Compression.Evaluation.Inference;
using Compression.Onnx.Graph;
using Compression.Onnx.Protobuf;
using Compression.Onnx.Tensors;

namespace Compression.Engine.Preprocessing.BatchNormFolding;

/// <summary>
/// Folds each inference-mode BatchNormalization into the Conv, ConvTranspose, Gemm or matrix MatMul that produces its
/// input: the producer's weight is scaled per output channel and its bias (created when absent) shifted, the producer
/// takes over the normalization's output name, and the normalization disappears. Quantization then sees one weight with
/// the real per-channel range instead of a weight and a scale it cannot merge. A producer whose output other nodes also
/// read, or whose weights are not constants, keeps its BatchNormalization (folding would change what the others see).
/// Arithmetic is in double; the stored weights are float32, as before.
/// </summary>
public sealed class BatchNormFoldingPass : IPreprocessingPass
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
                    if (node.OpType != "BatchNormalization" || ModelIndex.NormalizeDomain(node.Domain).Length != 0) continue;
                    var target = Target(index, graph, node, freeInitializers, RankOf, out var parameters, out var reason);
                    if (target is null)
                    {
                        kept[reason!] = kept.GetValueOrDefault(reason!) + 1;
                        continue;
                    }
                    tensors += Fold(model, graph, node, target, parameters!, names);
                    into[target.Producer.OpType] = into.GetValueOrDefault(target.Producer.OpType) + 1;
                    changed = true;
                }
            }
        } while (changed);

        var notes = new List<string>
        {
            $"{into.Values.Sum()} BatchNormalization nodes folded"
            + (into.Count == 0 ? "" : " into " + string.Join(", ", into.Select(p => $"{p.Key} ×{p.Value}"))),
        };
        notes.AddRange(kept.Select(p => $"kept {p.Value}× BatchNormalization: {p.Key}"));
        return new PassReport(Name, tensors, bytesBefore, ConstantBytes.Of(model), notes);
    }

    /// <summary>The producer <paramref name="node"/> folds into, or null with the reason it stays.</summary>
    private static FoldTarget? Target(ModelIndex index, GraphIndex graph, NodeProto node, bool freeInitializers,
        Func<string, int?> rankOf, out BatchNormParameters? parameters, out string? reason)
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
        parameters = BatchNormParameters.Read(graph, node, opset, freeInitializers, out reason);
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
    private static int Fold(ModelProto model, GraphIndex graph, NodeProto node, FoldTarget target, BatchNormParameters bn, UniqueNames names)
    {
        var producer = target.Producer;
        var weights = TensorData.Read<float>(target.Weight.Tensor);
        var scaled = new float[weights.Length];
        for (var i = 0; i < weights.Length; i++) scaled[i] = (float)(weights[i] * bn.Scale[target.ChannelOf(i)]);
        var bias = new float[target.Channels];
        for (var c = 0; c < bias.Length; c++) bias[c] = (float)(target.Bias[c] * bn.Scale[c] + bn.Shift[c]);

        var baseName = producer.Name.Length > 0 ? producer.Name : producer.Output[0];
        var weightName = Store(model, graph, producer, target.Weight, target.WeightDims, scaled, $"{target.Weight.Name}_bn", names);
        var biasName = Store(model, graph, producer, target.BiasWeight, [target.Channels], bias, $"{baseName}_bias", names);

        var oldOutput = producer.Output[0];
        if (producer.OpType == "MatMul")
        {
            // A matrix product with a bias is a Gemm (alpha = beta = 1, no transposes): one node, as before.
            var gemm = new NodeProto { OpType = "Gemm", Name = producer.Name, Domain = producer.Domain, Input = { producer.Input[0], weightName, biasName }, Output = { node.Output[0] } };
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

    /// <summary>
    /// Writes new values for a weight: in place when only the producer reads it (the file keeps its names), else as a new
    /// constant beside it so other readers keep the old values. Returns the name the producer should read.
    /// </summary>
    private static string Store(ModelProto model, GraphIndex graph, NodeProto producer, ConstantWeight? old, long[] dims,
        float[] values, string baseName, UniqueNames names)
    {
        if (old is not null && FixedWeights.IsExclusive(graph, old, producer))
        {
            TensorData.Replace<float>(old.Tensor, dims, values);
            return old.Name;
        }
        var name = names.Next(baseName);
        ConstantStorage.Add(model, graph.Graph, TensorData.Create<float>(name, dims, values), names.Next($"{name}_Constant"));
        return name;
    }

    private static void SetBetaToOne(NodeProto gemm)
    {
        // The folded bias already holds beta·C.
        foreach (var beta in gemm.Attribute.Where(a => a.Name == "beta").ToList()) gemm.Attribute.Remove(beta);
    }
}

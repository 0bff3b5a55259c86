using Compression.Onnx.Graph;
using Compression.Onnx.Protobuf;

namespace Compression.Engine.Preprocessing.Equalization;

/// <summary>
/// A producer whose output channels feed a consumer's input channels one to one, through at most one positively
/// homogeneous activation, with nothing else reading the values between them: scaling the producer's channel c by
/// 1/s and the consumer's input channel c by s leaves the composition unchanged.
/// </summary>
internal sealed record EqualizationPair(ChannelLayer Producer, NodeProto? Activation, ChannelLayer Consumer)
{
    public int Channels => Producer.OutChannels;

    /// <summary>The value the consumer reads (the activation's output, or the producer's).</summary>
    public string Between => Consumer.Node.Input[0];

    /// <summary>"Conv→Relu→Conv": how the report counts pairs.</summary>
    public string Kind => Activation is null
        ? $"{Producer.Node.OpType}→{Consumer.Node.OpType}"
        : $"{Producer.Node.OpType}→{Activation.OpType}→{Consumer.Node.OpType}";

    /// <summary>
    /// Every pair of the main graph, in topological order of the producer, and the reasons candidate producers were
    /// left alone (counted). A layer object is shared by the pair it produces for and the pair it consumes in, so
    /// scales of a chain compose on the same weights. Subgraphs are left alone: their values run once per iteration of
    /// their owner, and CNN-style chains do not live there.
    /// </summary>
    public static (List<EqualizationPair> Pairs, SortedDictionary<string, int> Skipped) Find(ModelIndex index, bool freeInitializers)
    {
        var graph = index.Main;
        var pairs = new List<EqualizationPair>();
        var skipped = new SortedDictionary<string, int>(StringComparer.Ordinal);
        var layers = new Dictionary<NodeProto, (ChannelLayer? Layer, bool Produces, bool Consumes)>(ReferenceEqualityComparer.Instance);
        var outputs = graph.Graph.Output.Select(o => o.Name).ToHashSet(StringComparer.Ordinal);
        ChannelLayer? Layer(NodeProto node, bool asProducer)
        {
            // One object per node whatever its roles, so the scales of a chain (consumer of one pair, producer of the
            // next) compose on the same weights. The roles differ only for Gemm: transA rules out consuming, a C that
            // is not per feature rules out producing.
            if (!layers.TryGetValue(node, out var entry))
            {
                var producer = ChannelLayer.Create(graph, node, freeInitializers, asProducer: true);
                var consumer = ChannelLayer.Create(graph, node, freeInitializers, asProducer: false);
                layers[node] = entry = (producer ?? consumer, producer is not null, consumer is not null);
            }
            return (asProducer ? entry.Produces : entry.Consumes) ? entry.Layer : null;
        }
        void Skip(string reason) => skipped[reason] = skipped.GetValueOrDefault(reason) + 1;

        foreach (var node in graph.TopologicalOrder)
        {
            if (node.OpType is not ("Conv" or "Gemm" or "MatMul") || Layer(node, asProducer: true) is not { } producer) continue;
            var value = node.Output[0];
            if (outputs.Contains(value) || graph.ConsumersOf(value) is not [var next])
            {
                Skip("the output is read by more than one node (or is a graph output)");
                continue;
            }
            NodeProto? activation = null;
            if (next.OpType is not ("Conv" or "Gemm" or "MatMul"))
            {
                if (HomogeneousActivation.Problem(graph, next, index.OpsetOf(next) ?? 1) is { } problem)
                {
                    Skip(problem);
                    continue;
                }
                activation = next;
                if (next.Input[0] != value || next.Input.Skip(1).Contains(value) || next.Output.Count != 1)
                {
                    Skip($"the {next.OpType} reads the output in another slot");
                    continue;
                }
                value = next.Output[0];
                if (outputs.Contains(value) || graph.ConsumersOf(value) is not [var after])
                {
                    Skip($"the {next.OpType} output is read by more than one node (or is a graph output)");
                    continue;
                }
                next = after;
            }
            if (next.OpType is not ("Conv" or "Gemm" or "MatMul") || next.Input[0] != value || next.Input.Skip(1).Contains(value)
                || Layer(next, asProducer: false) is not { } consumer)
            {
                Skip($"{next.OpType} after it is not a layer with its own constant float weight reading the channels");
                continue;
            }
            if (consumer.ChannelsLast != producer.ChannelsLast || consumer.InChannels != producer.OutChannels)
            {
                Skip("the consumer's input channels are not the producer's output channels");
                continue;
            }
            pairs.Add(new EqualizationPair(producer, activation, consumer));
        }
        return (pairs, skipped);
    }
}

using Compression.Engine.Pipeline;
using Compression.Engine.Quantization;
using Compression.Onnx.Editing;
using Compression.Onnx.Graph;
using Compression.Onnx.Protobuf;
using DataType = Compression.Onnx.Protobuf.TensorProto.Types.DataType;

namespace Compression.Engine.Pruning.Unstructured;

/// <summary>
/// The weights unstructured and N:M pruning may zero: float inputs 1 of Conv, ConvTranspose, Gemm and MatMul (main
/// graph and subgraphs, initializers or Constant nodes), in graph order. Left alone: weights of excluded nodes, tensors
/// under <see cref="Int8WeightPass.MinElements"/> elements (the same floor quantization uses: a tiny layer is cheap and
/// often sensitive), initializers that are also graph inputs (a default callers may replace), graph outputs, and any
/// weight read elsewhere than in the weight slot of such a node (zeroing it would change that other reader too).
/// </summary>
internal static class PrunableWeights
{
    public static IReadOnlyList<PrunableWeight> Find(CompressionContext context, ModelIndex index)
    {
        var uses = new Dictionary<string, int>(StringComparer.Ordinal);
        var graphOutputs = new HashSet<string>(StringComparer.Ordinal);
        foreach (var graph in index.AllGraphs)
        {
            foreach (var node in graph.Graph.Node)
                foreach (var input in node.Input)
                    uses[input] = uses.GetValueOrDefault(input) + 1;
            foreach (var output in graph.Graph.Output) graphOutputs.Add(output.Name);
        }

        var found = new List<PrunableWeight>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var weightSlots = new Dictionary<string, int>(StringComparer.Ordinal);
        var candidates = new List<(GraphIndex Graph, NodeProto Node, ConstantWeight Weight)>();
        foreach (var graph in index.AllGraphs)
        {
            foreach (var node in graph.Graph.Node)
            {
                if (!WeightChannelAxis.IsQuantizable(node)) continue;
                var weight = ConstantWeights.Find(graph, node.Input[1]);
                if (weight is null) continue;
                weightSlots[weight.Name] = weightSlots.GetValueOrDefault(weight.Name) + 1;
                candidates.Add((graph, node, weight));
            }
        }
        foreach (var (graph, node, weight) in candidates)
        {
            if (context.IsExcluded(node) || weight.Tensor.DataType != (int)DataType.Float) continue;
            if (uses.GetValueOrDefault(weight.Name) != weightSlots[weight.Name] || graphOutputs.Contains(weight.Name)) continue;
            if (weight.ConstantNode is null && weight.DefiningGraph.Graph.Input.Any(i => i.Name == weight.Name)) continue;
            var dims = weight.Tensor.Dims.Select(d => checked((int)d)).ToArray();
            if (dims.Aggregate(1L, (a, d) => a * d) < Int8WeightPass.MinElements) continue;
            if (ReductionLayout.Of(node, dims) is not { } layout) continue;
            // A weight shared by several such nodes is pruned once, with the first reader's layout.
            if (!seen.Add(weight.Name)) continue;
            found.Add(new PrunableWeight(weight, node, dims, layout));
        }
        return found;
    }
}

using Compression.Engine.Pipeline;
using Compression.Onnx.Editing;
using Compression.Onnx.Protobuf;
using DataType = Compression.Onnx.Protobuf.TensorProto.Types.DataType;

namespace Compression.Engine.Quantization;

/// <summary>
/// The walk the weight-only passes share: every Conv/ConvTranspose/Gemm/MatMul reading a constant float weight of a
/// form with an output-channel axis and at least <c>minElements</c> values, in every graph and subgraph, not excluded
/// by the recipe; each weight rewritten once however many nodes read it, its readers moved to the rewritten value, and
/// the float original dropped when nothing reads it any more.
/// </summary>
internal static class WeightRewrite
{
    /// <summary>What a rewrite of one weight produced: the value readers take instead, and the bytes it stores.</summary>
    public readonly record struct Rewritten(string Output, long Bytes);

    /// <summary>Tensors rewritten, float bytes before, stored bytes after.</summary>
    public readonly record struct Totals(int Tensors, long BytesBefore, long BytesAfter);

    /// <summary>Rewrites through <paramref name="editor"/>; <paramref name="rewrite"/> gets the graph that defines the weight.</summary>
    public static Totals Run(CompressionContext context, ModelEditor editor, int minElements, Func<GraphEditor, ConstantWeight, int[], int, Rewritten> rewrite)
    {
        var done = new Dictionary<(GraphProto, string), string>();
        var originals = new List<(GraphEditor Graph, string Name)>();
        long before = 0, after = 0;
        foreach (var graph in editor.AllGraphs.ToList())
        {
            foreach (var node in graph.Graph.Node.ToList())
            {
                if (!WeightChannelAxis.IsQuantizable(node) || context.IsExcluded(node)) continue;
                var weight = graph.FindConstant(node.Input[1]);
                if (weight is null || weight.Tensor.DataType != (int)DataType.Float) continue;
                var dims = weight.Tensor.Dims.Select(d => checked((int)d)).ToArray();
                if (WeightChannelAxis.Of(node, dims.Length) is not { } axis) continue;
                var count = dims.Aggregate(1L, (a, d) => a * d);
                if (count < minElements) continue;

                var key = (weight.DefiningGraph.Graph, weight.Name);
                if (!done.TryGetValue(key, out var output))
                {
                    var defining = graph.DefiningGraphOf(weight);
                    var rewritten = rewrite(defining, weight, dims, axis);
                    done[key] = output = rewritten.Output;
                    originals.Add((defining, weight.Name));
                    before += 4L * count;
                    after += rewritten.Bytes;
                }
                graph.SetInput(node, 1, output);
            }
        }
        foreach (var (graph, name) in originals) graph.RemoveIfUnused(name);
        return new Totals(originals.Count, before, after);
    }
}

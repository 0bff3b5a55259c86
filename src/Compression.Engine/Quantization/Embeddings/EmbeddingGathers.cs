using Compression.Engine.Pipeline;
using Compression.Onnx.Editing;
using Compression.Onnx.Graph;
using Compression.Onnx.Protobuf;
using Compression.Onnx.Tensors;
using DataType = Compression.Onnx.Protobuf.TensorProto.Types.DataType;

namespace Compression.Engine.Quantization.Embeddings;

/// <summary>
/// The embedding tables of a model: constant float [rows, width] tensors read as a Gather's data along axis 0, with
/// indices computed from the model's inputs (token ids, positions). In a text encoder the word table alone is about
/// half the bytes, and the MatMul/Conv walk of the weight passes never sees it. Each table is quantized once, however
/// many Gathers read it; each reading Gather is replaced, where it stood, by nodes that gather the quantized rows and
/// their scales with the same indices and dequantize only those rows. Gathers over computed data, along another axis,
/// or with constant indices (weight sharing's codebook lookups, shape arithmetic) are left alone.
/// </summary>
internal static class EmbeddingGathers
{
    /// <summary>What a table's quantization stored: the initializers the row readers use, and their bytes.</summary>
    public interface ITable
    {
        long Bytes { get; }

        /// <summary>The nodes that read the rows <paramref name="indices"/> selects and write them, in float, to <paramref name="output"/>.</summary>
        IReadOnlyList<NodeProto> ReadRows(UniqueNames names, string indices, string output);
    }

    /// <summary>Quantizes a table (values [rows, width]) into <paramref name="defining"/>, or returns null to leave it float.</summary>
    public delegate ITable? Quantize(GraphEditor defining, string name, float[] values, int rows, int width);

    /// <summary>Rewrites every embedding Gather of the model through <paramref name="editor"/>; returns the totals.</summary>
    public static WeightRewrite.Totals Run(CompressionContext context, ModelEditor editor, Quantize quantize)
    {
        var tables = new Dictionary<(GraphProto, string), ITable?>();
        var originals = new List<(GraphEditor Graph, string Name)>();
        long before = 0, after = 0;
        foreach (var graph in editor.AllGraphs.ToList())
        {
            foreach (var node in graph.Graph.Node.ToList())
            {
                if (!IsTableRead(graph, node) || context.IsExcluded(node)) continue;
                var weight = graph.FindConstant(node.Input[0])!;
                var key = (weight.DefiningGraph.Graph, weight.Name);
                if (!tables.TryGetValue(key, out var table))
                {
                    var defining = graph.DefiningGraphOf(weight);
                    var (rows, width) = (checked((int)weight.Tensor.Dims[0]), checked((int)weight.Tensor.Dims[1]));
                    tables[key] = table = quantize(defining, weight.Name, TensorData.Read<float>(weight.Tensor), rows, width);
                    if (table is not null)
                    {
                        originals.Add((defining, weight.Name));
                        before += 4L * rows * width;
                        after += table.Bytes;
                    }
                }
                if (table is null) continue;
                foreach (var read in table.ReadRows(editor.Names, node.Input[1], node.Output[0])) graph.InsertBefore(node, read);
                graph.RemoveNode(node);
            }
        }
        foreach (var (graph, name) in originals) graph.RemoveIfUnused(name);
        return new WeightRewrite.Totals(originals.Count, before, after);
    }

    /// <summary>A Gather along axis 0 of a constant float 2-D table of at least <see cref="Int8WeightPass.MinElements"/> values, with computed indices.</summary>
    private static bool IsTableRead(GraphEditor graph, NodeProto node)
    {
        if (node.OpType != "Gather" || node.Domain is not ("" or "ai.onnx") || node.Input.Count != 2 || node.Output.Count != 1) return false;
        if (node.GetInt("axis", 0) != 0) return false;
        var table = graph.FindConstant(node.Input[0]);
        if (table is null || table.Tensor.DataType != (int)DataType.Float || table.Tensor.Dims.Count != 2) return false;
        if (table.Tensor.Dims[0] * table.Tensor.Dims[1] < Int8WeightPass.MinElements) return false;
        return DependsOnInputs(graph, node.Input[1]);
    }

    /// <summary>Whether <paramref name="value"/> is computed from something other than constants (a graph input, an outer scope's value).</summary>
    private static bool DependsOnInputs(GraphEditor graph, string value)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var pending = new Stack<string>([value]);
        while (pending.Count > 0)
        {
            var name = pending.Pop();
            if (name.Length == 0 || !seen.Add(name)) continue;
            if (graph.InitializerOf(name) is not null) continue;
            if (graph.ProducerOf(name) is not { } producer) return true; // a graph input or an outer scope's value
            if (producer.OpType == "Constant") continue;
            // A node with a subgraph may read outer values inside it: treat it as input-dependent rather than walk it.
            if (producer.Attribute.Any(a => a.G is not null || a.Graphs.Count > 0)) return true;
            foreach (var input in producer.Input) pending.Push(input);
        }
        return false;
    }
}

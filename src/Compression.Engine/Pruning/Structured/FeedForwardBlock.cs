using Compression.Onnx.Editing;
using Compression.Onnx.Graph;
using Compression.Onnx.Protobuf;
using Compression.Onnx.Tensors;
using DataType = Compression.Onnx.Protobuf.TensorProto.Types.DataType;

namespace Compression.Engine.Pruning.Structured;

/// <summary>
/// A transformer's feed-forward block, found by structure alone: <c>MatMul(x, W1[d, h])</c>, optionally an Add of a
/// bias of h values, an element-wise activation region (Relu, Gelu, GELU written out as Div → Erf → Add → Mul → Mul,
/// ...: every node element-wise, every other operand a scalar constant), then <c>MatMul(·, W2[h, d'])</c>. Hidden unit
/// j is W1's column j, bias entry j and W2's row j and nothing else, so removing it is exact up to what it contributed.
/// </summary>
/// <param name="Hidden">The activation the second MatMul reads (its energy ranks the units).</param>
/// <param name="Region">Every value that carries the h hidden units, from the first MatMul's output to <paramref name="Hidden"/>.</param>
internal sealed record FeedForwardBlock(NodeProto Up, ConstantWeight UpWeight, ConstantWeight? Bias, NodeProto Down,
    ConstantWeight DownWeight, string Hidden, int Width, IReadOnlyList<string> Region)
{
    /// <summary>Operators that act element by element, so each hidden unit stays in its own column through them.</summary>
    private static readonly HashSet<string> Elementwise = new(StringComparer.Ordinal)
    {
        "Relu", "LeakyRelu", "Gelu", "Erf", "Tanh", "Sigmoid", "HardSigmoid", "HardSwish", "Elu", "Selu", "Celu", "Mish",
        "Softplus", "Softsign", "Abs", "Neg", "Exp", "Sqrt", "Identity", "Clip", "Add", "Sub", "Mul", "Div", "Pow",
    };

    /// <param name="freeInitializers">From IR 4: an initializer that is also a graph input is a default callers may override, not a weight to cut.</param>
    public static List<FeedForwardBlock> FindAll(GraphIndex main, bool freeInitializers, Func<NodeProto, bool> excluded)
    {
        var blocks = new List<FeedForwardBlock>();
        foreach (var node in main.TopologicalOrder)
            if (IsMatMul(node) && !excluded(node) && Find(main, node, freeInitializers) is { } block && !excluded(block.Down))
                blocks.Add(block);
        return blocks;
    }

    private static FeedForwardBlock? Find(GraphIndex main, NodeProto up, bool free)
    {
        if (Owned(main, up, up.Input[1], free) is not { Tensor.Dims.Count: 2 } w1 || up.Input[0] == up.Input[1]) return null;
        var width = checked((int)w1.Tensor.Dims[1]);
        var start = up.Output[0];
        ConstantWeight? bias = null;
        if (main.ConsumersOf(start) is [{ OpType: "Add" } add] && IsDefaultDomain(add) && add.Input.Count == 2)
        {
            var other = add.Input[0] == start ? add.Input[1] : add.Input[0];
            if (Owned(main, add, other, free) is { } b && b.Tensor.Dims.Count >= 1 && b.Tensor.Dims[^1] == width
                && b.Tensor.Dims.Reverse().Skip(1).All(d => d == 1) && add.Input.Count(i => i == start) == 1)
            {
                bias = b;
                start = add.Output[0];
            }
        }

        // Grow the region of values that carry the hidden units until every reader is element-wise or the one Down MatMul.
        var region = new List<string> { up.Output[0] };
        if (bias is not null) region.Add(start);
        var inRegion = new HashSet<string>(region, StringComparer.Ordinal);
        var nodes = new List<NodeProto>();
        NodeProto? down = null;
        for (var i = bias is null ? 0 : 1; i < region.Count; i++)
        {
            var value = region[i];
            if (main.Graph.Output.Any(o => o.Name == value)) return null;
            foreach (var reader in main.ConsumersOf(value))
            {
                if (IsMatMul(reader) && reader.Input[0] == value && reader.Input[1] != value)
                {
                    if (down is not null && !ReferenceEquals(down, reader)) return null;
                    down = reader;
                    continue;
                }
                if (!Elementwise.Contains(reader.OpType) || !IsDefaultDomain(reader) || main.SubgraphsOf(reader).Count > 0
                    || reader.Output.Count != 1) return null;
                if (nodes.Contains(reader)) continue;
                nodes.Add(reader);
                if (inRegion.Add(reader.Output[0])) region.Add(reader.Output[0]);
            }
        }
        if (down is null || Owned(main, down, down.Input[1], free) is not { Tensor.Dims.Count: 2 } w2 || w2.Tensor.Dims[0] != width) return null;
        // Scalars broadcast over every unit alike; anything else (a per-unit scale, a computed operand) is not followed.
        foreach (var node in nodes)
            foreach (var input in node.Input.Where(n => n.Length > 0 && !inRegion.Contains(n)))
                if (ConstantWeights.Find(main, input) is not { } c || TensorShape.ElementCount(c.Tensor) != 1) return null;
        if (width < 2) return null;
        return new FeedForwardBlock(up, w1, bias, down, w2, down.Input[0], width, region);
    }

    private static bool IsMatMul(NodeProto node) => node.OpType == "MatMul" && IsDefaultDomain(node) && node.Input.Count == 2;

    private static bool IsDefaultDomain(NodeProto node) => node.Domain is "" or "ai.onnx";

    private static ConstantWeight? Owned(GraphIndex graph, NodeProto node, string name, bool free) =>
        ChannelGraph.Owned(graph, node, name, free);
}

using Compression.Engine.Preprocessing.BatchNormFolding;
using Compression.Evaluation.Inference;
using Compression.Onnx.Editing;
using Compression.Onnx.Graph;
using Compression.Onnx.Protobuf;
using DataType = Compression.Onnx.Protobuf.TensorProto.Types.DataType;

namespace Compression.Engine.Pruning.Structured;

/// <summary>
/// The channel structure of a model's main graph: which activation channels are tied (<see cref="Slots"/>), the layers
/// whose filters can go, the constants and Flattens that follow channels. Built by walking the graph once with one
/// rule per operator family; an operator without a rule pins every channel it reads or writes, so the pass only ever
/// removes what it can follow end to end. Channels sit on axis 1 (NCHW activations, [N, features] matrices).
/// </summary>
internal sealed class ChannelGraph
{
    private static readonly HashSet<string> Unary = new(StringComparer.Ordinal)
    {
        "Relu", "LeakyRelu", "Clip", "HardSigmoid", "HardSwish", "Sigmoid", "Tanh", "Elu", "Selu", "Celu", "Softplus",
        "Softsign", "ThresholdedRelu", "Gelu", "Mish", "Abs", "Neg", "Exp", "Sqrt", "Reciprocal", "Erf", "Identity",
        "Dropout", "MaxPool", "AveragePool", "GlobalAveragePool", "GlobalMaxPool", "LpPool", "GlobalLpPool", "Resize", "Upsample",
    };

    private static readonly HashSet<string> Binary = new(StringComparer.Ordinal) { "Add", "Sub", "Mul", "Div", "Max", "Min", "Sum", "PRelu", "Pow" };

    public ChannelSlots Slots { get; } = new();

    public List<PrunableLayer> Layers { get; } = [];

    public List<ChannelConstant> Constants { get; } = [];

    public List<FlattenLink> Flattens { get; } = [];

    public static ChannelGraph Build(GraphIndex main, IReadOnlyDictionary<string, ValueInfo> shapes, bool freeInitializers)
    {
        var graph = new ChannelGraph();
        var slots = graph.Slots;
        bool IsConstant(string name) => name.Length > 0 && ConstantWeights.Find(main, name) is not null;
        int[]? Shape(string name) => shapes.TryGetValue(name, out var info) && info.Shape is { } s && s.Length >= 2 && s[1].IsKnown
            && info.ElementType == DataType.Float ? s.Select(d => d.IsKnown ? checked((int)d.Value) : -1).ToArray() : null;

        foreach (var input in main.Graph.Input)
            if (!IsConstant(input.Name) && Shape(input.Name) is { } s) slots.Track(input.Name, s[1]);
        foreach (var node in main.TopologicalOrder)
            foreach (var output in node.Output)
                if (output.Length > 0 && node.OpType != "Constant" && Shape(output) is { } s) slots.Track(output, s[1]);

        foreach (var input in main.Graph.Input) slots.Pin(input.Name, "a graph input");
        foreach (var output in main.Graph.Output) slots.Pin(output.Name, "a graph output");
        foreach (var node in main.TopologicalOrder)
        {
            var reason = graph.Follow(main, node, Shape, IsConstant, freeInitializers);
            if (reason is null) continue;
            foreach (var value in node.Input.Concat(node.Output).Concat(main.ImplicitInputsOf(node)))
                slots.Pin(value, $"{reason} ({node.OpType} '{node.Name}')");
        }
        return graph;
    }

    /// <summary>Applies the node's rule; returns why it cannot be followed (its channels are then pinned), or null.</summary>
    private string? Follow(GraphIndex main, NodeProto node, Func<string, int[]?> shape, Func<string, bool> isConstant, bool free)
    {
        var tracked = node.Input.Where(Slots.IsTracked).Concat(node.Output.Where(Slots.IsTracked)).ToList();
        if (tracked.Count == 0) return null; // nothing with channels passes through
        if (ModelIndex.NormalizeDomain(node.Domain).Length != 0) return "an operator of another domain";
        if (main.SubgraphsOf(node).Count > 0) return "a node with subgraphs";
        var y = node.Output.Count > 0 ? node.Output[0] : "";
        if (node.Output.Skip(1).Any(o => o.Length > 0 && main.ConsumersOf(o).Count > 0)) return "a second output is used";
        if (!Slots.IsTracked(y)) return "an output whose channels are unknown";
        var x = node.Input.Count > 0 ? node.Input[0] : "";

        switch (node.OpType)
        {
            case "Conv": return Conv(main, node, x, y, free);
            case "Gemm": return Gemm(main, node, x, y, free);
            case "BatchNormalization":
                if (!Slots.IsTracked(x) || Slots.ChannelsOf(x) != Slots.ChannelsOf(y)) return "channels change";
                for (var i = 1; i < node.Input.Count; i++)
                {
                    if (!isConstant(node.Input[i])) return "parameters that are not constant";
                    Constants.Add(new ChannelConstant(node, i, 0, y));
                }
                Slots.UniteAll(x, y);
                return null;
            case "Flatten":
                var axis = node.GetInt("axis", 1);
                if (axis != 1 || !Slots.IsTracked(x) || shape(x) is not { } xs || xs.Skip(2).Any(d => d < 0)) return "a Flatten not over [N, C, …]";
                var block = xs.Skip(2).Aggregate(1, (a, d) => a * d);
                if (Slots.ChannelsOf(y) != Slots.ChannelsOf(x) * block) return "a Flatten of unexpected size";
                for (var c = 0; c < Slots.ChannelsOf(x); c++)
                    for (var s = 0; s < block; s++) Slots.Unite(Slots.Slot(x, c), Slots.Slot(y, c * block + s));
                Flattens.Add(new FlattenLink(node, x, y, block));
                return null;
            case "Concat":
                return Concat(node, y, shape);
        }
        if (Unary.Contains(node.OpType))
        {
            if (!Slots.IsTracked(x) || Slots.ChannelsOf(x) != Slots.ChannelsOf(y)) return "channels change";
            if (node.Input.Skip(1).Any(Slots.IsTracked)) return "a computed parameter";
            if (node.OpType is "Resize" or "Upsample" && node.GetString("mode", "").Contains("crop", StringComparison.Ordinal))
                return "a crop";
            Slots.UniteAll(x, y);
            return null;
        }
        if (Binary.Contains(node.OpType)) return Elementwise(node, y, shape, isConstant,
            name => ConstantWeights.Find(main, name)!.Tensor.Dims.ToArray());
        return "an operator the pass does not follow";
    }

    private string? Conv(GraphIndex main, NodeProto node, string x, string y, bool free)
    {
        if (!Slots.IsTracked(x) || node.Input.Count < 2) return "a Conv without a tracked input";
        var weight = Owned(main, node, node.Input[1], free);
        if (weight is null || weight.Tensor.Dims.Count < 3) return "a Conv whose weight is shared or computed";
        ConstantWeight? bias = null;
        if (node.Input.Count > 2 && node.Input[2].Length > 0 && (bias = Owned(main, node, node.Input[2], free)) is null)
            return "a Conv whose bias is shared or computed";
        var group = (int)node.GetInt("group", 1);
        var (m, c) = (Slots.ChannelsOf(y), Slots.ChannelsOf(x));
        if (weight.Tensor.Dims[0] != m || weight.Tensor.Dims[1] * group != c || m % group != 0) return "a Conv of unexpected shape";
        if (group == 1)
        {
            Layers.Add(new PrunableLayer(node, LayerKind.Conv, x, y, weight, bias, 0, 1, 1));
            return null;
        }
        // A group's inputs and outputs only meet each other: removing the whole group keeps every other group as it was.
        var (perIn, perOut) = (c / group, m / group);
        for (var g = 0; g < group; g++)
        {
            var first = Slots.Slot(y, g * perOut);
            for (var j = 0; j < perOut; j++) Slots.Unite(first, Slots.Slot(y, (g * perOut) + j));
            for (var j = 0; j < perIn; j++) Slots.Unite(first, Slots.Slot(x, (g * perIn) + j));
        }
        Layers.Add(new PrunableLayer(node, LayerKind.GroupedConv, x, y, weight, bias, 0, 1, group));
        return null;
    }

    private string? Gemm(GraphIndex main, NodeProto node, string x, string y, bool free)
    {
        if (!Slots.IsTracked(x) || node.GetInt("transA", 0) != 0) return "a Gemm with a transposed or untracked input";
        var weight = Owned(main, node, node.Input[1], free);
        if (weight is null || weight.Tensor.Dims.Count != 2) return "a Gemm whose weight is shared or computed";
        var transB = node.GetInt("transB", 0) == 1;
        var (outAxis, inAxis) = transB ? (0, 1) : (1, 0);
        if (weight.Tensor.Dims[outAxis] != Slots.ChannelsOf(y) || weight.Tensor.Dims[inAxis] != Slots.ChannelsOf(x)) return "a Gemm of unexpected shape";
        ConstantWeight? bias = null;
        if (node.Input.Count > 2 && node.Input[2].Length > 0)
        {
            bias = Owned(main, node, node.Input[2], free);
            // beta·C must be one value per output feature to be cut with them.
            if (bias is null || !(bias.Tensor.Dims.Count is 1 or 2 && bias.Tensor.Dims[^1] == Slots.ChannelsOf(y)
                && bias.Tensor.Dims.Reverse().Skip(1).All(d => d == 1)))
                return "a Gemm whose C is not one value per output";
        }
        Layers.Add(new PrunableLayer(node, LayerKind.Gemm, x, y, weight, bias, outAxis, inAxis, 1));
        return null;
    }

    private string? Concat(NodeProto node, string y, Func<string, int[]?> shape)
    {
        if (node.Input.Any(i => !Slots.IsTracked(i))) return "a Concat of an untracked value";
        var rank = shape(y)!.Length;
        var axis = node.GetInt("axis", 1);
        if (axis < 0) axis += rank;
        if (axis != 1)
        {
            if (node.Input.Any(i => Slots.ChannelsOf(i) != Slots.ChannelsOf(y))) return "channels change";
            foreach (var input in node.Input) Slots.UniteAll(input, y);
            return null;
        }
        var offset = 0;
        foreach (var input in node.Input)
        {
            for (var c = 0; c < Slots.ChannelsOf(input); c++) Slots.Unite(Slots.Slot(input, c), Slots.Slot(y, offset + c));
            offset += Slots.ChannelsOf(input);
        }
        return offset == Slots.ChannelsOf(y) ? null : "a Concat of unexpected size";
    }

    private string? Elementwise(NodeProto node, string y, Func<string, int[]?> shape, Func<string, bool> isConstant,
        Func<string, long[]> constantDims)
    {
        var yShape = shape(y)!;
        var channels = Slots.ChannelsOf(y);
        var ties = new List<string>();
        for (var i = 0; i < node.Input.Count; i++)
        {
            var input = node.Input[i];
            if (input.Length == 0) continue;
            if (Slots.IsTracked(input))
            {
                // Broadcasting aligns shapes from the right: only an input of the output's rank has its channels on axis 1.
                if (shape(input) is not { } s || s.Length != yShape.Length) return "a broadcast of a lower rank";
                if (s[1] == channels) ties.Add(input);
                else if (s[1] != 1) return "channels change";
                continue;
            }
            if (!isConstant(input)) return "an operand whose shape is unknown";
            var dims = constantDims(input);
            var axis = 1 - (yShape.Length - dims.Length);
            if (axis < 0 || dims[axis] == 1) continue; // a scalar, or constant along the channels
            if (dims[axis] != channels) return "a constant of unexpected shape";
            Constants.Add(new ChannelConstant(node, i, axis, y));
        }
        foreach (var input in ties) Slots.UniteAll(input, y);
        return null;
    }

    /// <summary>A constant float tensor only <paramref name="node"/> reads, in one slot, that callers cannot override.</summary>
    internal static ConstantWeight? Owned(GraphIndex graph, NodeProto node, string name, bool free) =>
        ConstantWeights.Find(graph, name) is { } w && w.Tensor.DataType == (int)DataType.Float
        && !FixedWeights.IsOverridable(w, free) && FixedWeights.IsExclusive(graph, w, node)
            ? w
            : null;
}

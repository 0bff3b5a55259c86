using Compression.Evaluation.Inference;
using Compression.Onnx.Editing;
using Compression.Onnx.Graph;
using Compression.Onnx.Protobuf;
using Compression.Onnx.Tensors;
using DataType = Compression.Onnx.Protobuf.TensorProto.Types.DataType;

namespace Compression.Engine.Pruning.Structured;

/// <summary>
/// One projection of an attention block: <c>MatMul(x, W[d, H·dh])</c> (+ bias), split into heads by a Reshape to
/// [b, s, H, dh] whose shape carries H as a constant (<see cref="HeadCount"/>).
/// </summary>
internal sealed record HeadProjection(NodeProto MatMul, ConstantWeight Weight, ConstantWeight? Bias, NodeProto Reshape, ShapeEntry HeadCount);

/// <summary>Where a Reshape's target shape holds one entry as a constant: the int64 tensor, the node input it feeds, and the index in it.</summary>
internal sealed record ShapeEntry(NodeProto Reader, int InputIndex, TensorProto Tensor, int Index)
{
    public long Value => TensorData.Read<long>(Tensor)[Index];
}

/// <summary>
/// A multi-head self-attention block as BERT-style exports write it, found by structure: Q, K and V projections
/// split into H heads of dh (<see cref="HeadProjection"/>), Q·Kᵀ per head (K transposed [0, 2, 3, 1]), scaling and a
/// mask that is the same for every head, Softmax over the keys, the weighted sum of V, heads merged back
/// ([0, 2, 1, 3] and a Reshape to H·dh, <see cref="MergedWidth"/>) and the output projection <c>MatMul(·, Wo[H·dh, d])</c>.
/// Head h is columns h·dh … (h+1)·dh − 1 of Wq, Wk, Wv and their biases and the same rows of Wo, so removing heads cuts
/// those and lowers the head count in the three split shapes and the width in the merge shape.
/// </summary>
/// <param name="Merged">The merged context the output projection reads (its energy ranks the heads).</param>
/// <param name="Values">Every value whose shape has the heads in it, from the projections to the merged context: their declared shapes go stale.</param>
internal sealed record AttentionBlock(HeadProjection Query, HeadProjection Key, HeadProjection Value, NodeProto Merge,
    ShapeEntry MergedWidth, NodeProto Output, ConstantWeight OutputWeight, string Merged, int Heads, int HeadSize, IReadOnlyList<string> Values)
{
    private static readonly HashSet<string> ScoreOps = new(StringComparer.Ordinal) { "Div", "Mul", "Add", "Sub", "Where", "Identity", "Dropout" };

    public static List<AttentionBlock> FindAll(GraphIndex main, IReadOnlyDictionary<string, ValueInfo> shapes, bool free, Func<NodeProto, bool> excluded)
    {
        var blocks = new List<AttentionBlock>();
        foreach (var node in main.TopologicalOrder)
        {
            if (node.OpType != "Softmax" || !IsDefault(node)) continue;
            if (Find(main, shapes, node, free) is { } block
                && !new[] { block.Query.MatMul, block.Key.MatMul, block.Value.MatMul, block.Output }.Any(excluded))
                blocks.Add(block);
        }
        return blocks;
    }

    private static AttentionBlock? Find(GraphIndex main, IReadOnlyDictionary<string, ValueInfo> shapes, NodeProto softmax, bool free)
    {
        var axis = softmax.GetInt("axis", -1);
        if (axis is not (-1 or 3)) return null;
        // Back from the Softmax through the per-score element-wise chain to Q·Kᵀ.
        var value = softmax.Input[0];
        var values = new List<string> { softmax.Output[0] };
        NodeProto? scores = null;
        for (var steps = 0; steps < 8 && scores is null; steps++)
        {
            var producer = main.ProducerOf(value);
            if (producer is null || !IsDefault(producer) || Single(main, value) is null) return null;
            values.Add(value);
            if (producer.OpType == "MatMul") { scores = producer; break; }
            if (!ScoreOps.Contains(producer.OpType)) return null;
            var chained = producer.Input.Where(i => i.Length > 0 && main.ProducerOf(i) is { } p && p.OpType != "Constant"
                && ConstantWeights.Find(main, i) is null).ToList();
            // The chain goes on through the one operand that carries scores; every other one is the same for every head.
            var next = chained.FirstOrDefault(i => Rank(shapes, i) == 4 && Dim(shapes, i, 1) is not 1);
            if (next is null) return null;
            foreach (var other in producer.Input.Where(i => i.Length > 0 && i != next))
                if (Rank(shapes, other) is { } r && r >= 3 && Dim(shapes, other, r - 3) is not 1) return null;
            value = next;
        }
        if (scores is null || Single(main, softmax.Output[0]) is not { OpType: "MatMul" } context || context.Input[0] != softmax.Output[0]) return null;

        if (Head(main, scores.Input[0], [0, 2, 1, 3], free) is not { } query
            || Head(main, scores.Input[1], [0, 2, 3, 1], free) is not { } key
            || Head(main, context.Input[1], [0, 2, 1, 3], free) is not { } head) return null;
        if (Single(main, context.Output[0]) is not { OpType: "Transpose" } back || !Perm(back, [0, 2, 1, 3])) return null;
        if (Single(main, back.Output[0], allowShapeReads: true) is not { OpType: "Reshape" } merge || merge.Input[0] != back.Output[0]) return null;
        if (Entry(main, merge, 3, 2) is not { } width) return null;
        if (Single(main, merge.Output[0]) is not { OpType: "MatMul" } output || output.Input[0] != merge.Output[0]) return null;
        if (ChannelGraph.Owned(main, output, output.Input[1], free) is not { Tensor.Dims.Count: 2 } wo) return null;

        var heads = query.HeadCount.Value;
        var columns = query.Weight.Tensor.Dims[1];
        if (heads < 2 || columns % heads != 0 || key.HeadCount.Value != heads || head.HeadCount.Value != heads) return null;
        if (key.Weight.Tensor.Dims[1] != columns || head.Weight.Tensor.Dims[1] != columns || wo.Tensor.Dims[0] != columns
            || width.Value != columns) return null;
        foreach (var p in new[] { query, key, head })
            values.AddRange([p.MatMul.Output[0], p.Reshape.Input[0], p.Reshape.Output[0]]);
        values.AddRange([scores.Input[0], scores.Input[1], context.Input[1], context.Output[0], back.Output[0], merge.Output[0]]);
        return new AttentionBlock(query, key, head, merge, width, output, wo, merge.Output[0], (int)heads, (int)(columns / heads),
            values.Distinct(StringComparer.Ordinal).ToList());
    }

    /// <summary>A value that is Transpose(perm) of Reshape(projection, [b, s, H, dh]) of a constant-weight projection.</summary>
    private static HeadProjection? Head(GraphIndex main, string name, long[] perm, bool free)
    {
        if (main.ProducerOf(name) is not { OpType: "Transpose" } transpose || !Perm(transpose, perm) || Single(main, name) is null) return null;
        if (main.ProducerOf(transpose.Input[0]) is not { OpType: "Reshape" } reshape || Single(main, reshape.Output[0]) is null) return null;
        if (Entry(main, reshape, 4, 2) is not { } count) return null;
        var projected = reshape.Input[0];
        // The projection's own shape may be read for the batch and sequence dimensions, nothing else.
        if (Single(main, projected, allowShapeReads: true) is null) return null;
        var producer = main.ProducerOf(projected);
        ConstantWeight? bias = null;
        if (producer is { OpType: "Add" } add && add.Input.Count == 2)
        {
            var (other, through) = main.ProducerOf(add.Input[1]) is { OpType: "MatMul" } ? (add.Input[0], add.Input[1]) : (add.Input[1], add.Input[0]);
            bias = ChannelGraph.Owned(main, add, other, free);
            if (bias is null || bias.Tensor.Dims.Count != 1 || Single(main, through) is null) return null;
            producer = main.ProducerOf(through);
        }
        if (producer is not { OpType: "MatMul" } matmul || !IsDefault(matmul)) return null;
        if (ChannelGraph.Owned(main, matmul, matmul.Input[1], free) is not { Tensor.Dims.Count: 2 } w) return null;
        if (bias is not null && bias.Tensor.Dims[0] != w.Tensor.Dims[1]) return null;
        return new HeadProjection(matmul, w, bias, reshape, count);
    }

    /// <summary>
    /// Entry <paramref name="index"/> of a Reshape's target shape of <paramref name="rank"/> entries, as a constant: the
    /// shape itself constant, or a Concat (axis 0) whose input at that position is a one-element int64 constant.
    /// </summary>
    private static ShapeEntry? Entry(GraphIndex main, NodeProto reshape, int rank, int index)
    {
        if (reshape.Input.Count != 2 || reshape.GetInt("allowzero", 0) != 0) return null;
        var shape = reshape.Input[1];
        if (ConstantWeights.Find(main, shape) is { } whole)
            return Int64(whole.Tensor) && whole.Tensor.Dims.Count == 1 && whole.Tensor.Dims[0] == rank && Positive(whole.Tensor, index)
                ? new ShapeEntry(reshape, 1, whole.Tensor, index) : null;
        if (main.ProducerOf(shape) is not { OpType: "Concat" } concat || concat.Input.Count != rank || concat.GetInt("axis", 0) != 0
            || Single(main, shape) is null) return null;
        return ConstantWeights.Find(main, concat.Input[index]) is { } part && Int64(part.Tensor)
            && TensorShape.ElementCount(part.Tensor) == 1 && Positive(part.Tensor, 0)
            ? new ShapeEntry(concat, index, part.Tensor, 0) : null;
    }

    private static bool Int64(TensorProto t) => t.DataType == (int)DataType.Int64;

    private static bool Positive(TensorProto t, int index) => TensorData.Read<long>(t)[index] > 0;

    /// <summary>
    /// The one node that reads <paramref name="value"/> (null when there are more, or it is a graph output); with
    /// <paramref name="allowShapeReads"/>, Shape nodes whose every reader takes dimension 0 or 1 (batch, sequence) by
    /// a constant Gather may read it too.
    /// </summary>
    private static NodeProto? Single(GraphIndex main, string value, bool allowShapeReads = false)
    {
        if (main.Graph.Output.Any(o => o.Name == value)) return null;
        var readers = main.ConsumersOf(value).Where(r => !(allowShapeReads && ReadsBatchOrSequence(main, r))).ToList();
        return readers is [var only] ? only : null;
    }

    private static bool ReadsBatchOrSequence(GraphIndex main, NodeProto node) =>
        node.OpType == "Shape" && node.Attribute.Count == 0 && !main.Graph.Output.Any(o => o.Name == node.Output[0])
        && main.ConsumersOf(node.Output[0]) is { Count: > 0 } readers
        && readers.All(g => g.OpType == "Gather" && g.Input[0] == node.Output[0] && g.GetInt("axis", 0) == 0
            && ConstantWeights.Find(main, g.Input[1]) is { } index && Int64(index.Tensor) && TensorShape.ElementCount(index.Tensor) == 1
            && TensorData.Read<long>(index.Tensor)[0] is 0 or 1);

    private static bool Perm(NodeProto transpose, long[] perm) => IsDefault(transpose) && transpose.GetInts("perm") is { } p && p.SequenceEqual(perm);

    private static bool IsDefault(NodeProto node) => node.Domain is "" or "ai.onnx";

    private static int? Rank(IReadOnlyDictionary<string, ValueInfo> shapes, string name) =>
        shapes.TryGetValue(name, out var info) ? info.Rank : null;

    private static long? Dim(IReadOnlyDictionary<string, ValueInfo> shapes, string name, int axis) =>
        shapes.TryGetValue(name, out var info) && info.Shape is { } s && axis < s.Length && s[axis].IsKnown ? s[axis].Value : null;
}

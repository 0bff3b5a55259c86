using Compression.Onnx.Editing;
using Compression.Onnx.Graph;
using Compression.Onnx.Protobuf;
using Compression.Onnx.Tensors;
using DataType = Compression.Onnx.Protobuf.TensorProto.Types.DataType;

namespace Compression.Engine.Preprocessing.BatchNormFolding;

/// <summary>
/// A node a BatchNormalization can fold into: a constant float weight whose every element feeds one output channel,
/// and the per-channel bias the node adds now (zeros when it has none). Channel c of the output is channel c of the
/// normalization (axis 1), which holds for Conv and ConvTranspose (NCHW) and for Gemm and rank-2 MatMul (features).
/// </summary>
internal sealed record FoldTarget(NodeProto Producer, ConstantWeight Weight, int Channels, Func<int, int> ChannelOf,
    double[] Bias, ConstantWeight? BiasWeight)
{
    public long[] WeightDims => Weight.Tensor.Dims.ToArray();

    /// <summary>
    /// The target <paramref name="producer"/> offers, or null with <paramref name="reason"/>. <paramref name="rankOf"/>
    /// gives a value's inferred rank (MatMul folds only when its data input is a matrix).
    /// </summary>
    public static FoldTarget? Find(GraphIndex graph, NodeProto producer, long opset, bool freeInitializers,
        Func<string, int?> rankOf, out string? reason)
    {
        reason = null;
        if (ModelIndex.NormalizeDomain(producer.Domain).Length != 0 || producer.OpType is not ("Conv" or "ConvTranspose" or "Gemm" or "MatMul"))
        {
            reason = $"it follows {producer.OpType}, which has no weight to fold into";
            return null;
        }
        var weight = producer.Input.Count > 1 ? Constant(graph, producer.Input[1], freeInitializers) : null;
        if (weight is null)
        {
            reason = $"the {producer.OpType} weight is not a constant float tensor";
            return null;
        }
        var dims = weight.Tensor.Dims.Select(d => checked((int)d)).ToArray();
        var target = producer.OpType switch
        {
            "Conv" => Conv(graph, producer, weight, dims, freeInitializers),
            "ConvTranspose" => ConvTranspose(graph, producer, weight, dims, freeInitializers),
            "Gemm" => opset >= 7 ? Gemm(graph, producer, weight, dims, freeInitializers) : null,
            _ => opset >= 7 && dims.Length == 2 && rankOf(producer.Input[0]) == 2 ? MatMul(producer, weight, dims) : null,
        };
        if (target is null)
            reason = producer.OpType == "MatMul"
                ? "the MatMul is not a constant-weight product of matrices"
                : $"the {producer.OpType}'s weight, bias or attributes are not a foldable form";
        return target;
    }

    private static FoldTarget? Conv(GraphIndex graph, NodeProto node, ConstantWeight weight, int[] dims, bool free)
    {
        // W is [M, C/group, k...]: output channel m owns the contiguous block m, whatever the group count.
        if (dims.Length < 3) return null;
        var inner = dims[1..].Aggregate(1, (a, d) => a * d);
        return WithBias(graph, node, weight, dims[0], i => i / inner, free);
    }

    private static FoldTarget? ConvTranspose(GraphIndex graph, NodeProto node, ConstantWeight weight, int[] dims, bool free)
    {
        // W is [C_in, M/group, k...]: element (ci, j, ...) feeds output channel g·(M/group) + j, g = ci / (C_in/group).
        var group = (int)node.GetInt("group", 1);
        if (dims.Length < 3 || group < 1 || dims[0] % group != 0) return null;
        var inner = dims[2..].Aggregate(1, (a, d) => a * d);
        var perGroupOut = dims[1];
        var perGroupIn = dims[0] / group;
        return WithBias(graph, node, weight, perGroupOut * group,
            i => (i / (perGroupOut * inner) / perGroupIn * perGroupOut) + (i / inner % perGroupOut), free);
    }

    private static FoldTarget? Gemm(GraphIndex graph, NodeProto node, ConstantWeight weight, int[] dims, bool free)
    {
        // B is [K, N], or [N, K] with transB; alpha scales the product and stays. C enters as beta·C, broadcast to [M, N]:
        // only a C that is the same for every row (a scalar, [1], [N] or [1, N]) is a per-feature bias.
        if (dims.Length != 2) return null;
        var transB = node.GetInt("transB", 0) == 1;
        var (channels, k) = transB ? (dims[0], dims[1]) : (dims[1], dims[0]);
        Func<int, int> channelOf = transB ? i => i / k : i => i % channels;
        if (node.Input.Count < 3 || node.Input[2].Length == 0)
            return new FoldTarget(node, weight, channels, channelOf, new double[channels], null);
        var c = Constant(graph, node.Input[2], free);
        if (c is null) return null;
        var cDims = c.Tensor.Dims.ToArray();
        var values = TensorData.Read<float>(c.Tensor);
        if (!(cDims is [] or [1] or [1, 1] || cDims.SequenceEqual([channels]) || cDims.SequenceEqual([1, channels]))) return null;
        var beta = (double)node.GetFloat("beta", 1f);
        var bias = Enumerable.Range(0, channels).Select(n => beta * values[values.Length == 1 ? 0 : n]).ToArray();
        return new FoldTarget(node, weight, channels, channelOf, bias, c);
    }

    private static FoldTarget MatMul(NodeProto node, ConstantWeight weight, int[] dims)
    {
        // B is [K, N]; the fold turns the node into a Gemm, which carries the new bias.
        var channels = dims[1];
        return new FoldTarget(node, weight, channels, i => i % channels, new double[channels], null);
    }

    /// <summary>Conv and ConvTranspose: an optional constant [channels] bias in input 2.</summary>
    private static FoldTarget? WithBias(GraphIndex graph, NodeProto node, ConstantWeight weight, int channels, Func<int, int> channelOf, bool free)
    {
        if (node.Input.Count < 3 || node.Input[2].Length == 0)
            return new FoldTarget(node, weight, channels, channelOf, new double[channels], null);
        var b = Constant(graph, node.Input[2], free);
        if (b is null || b.Tensor.Dims.Count != 1 || b.Tensor.Dims[0] != channels) return null;
        return new FoldTarget(node, weight, channels, channelOf, TensorData.Read<float>(b.Tensor).Select(v => (double)v).ToArray(), b);
    }

    private static ConstantWeight? Constant(GraphIndex graph, string name, bool free) =>
        ConstantWeights.Find(graph, name) is { } w && w.Tensor.DataType == (int)DataType.Float && !FixedWeights.IsOverridable(w, free) ? w : null;
}

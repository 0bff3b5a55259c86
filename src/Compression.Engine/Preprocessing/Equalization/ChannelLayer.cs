using Compression.Engine.Preprocessing.BatchNormFolding;
using Compression.Onnx.Editing;
using Compression.Onnx.Graph;
using Compression.Onnx.Protobuf;
using Compression.Onnx.Tensors;
using DataType = Compression.Onnx.Protobuf.TensorProto.Types.DataType;

namespace Compression.Engine.Preprocessing.Equalization;

/// <summary>
/// A Conv (any group count), Gemm or matrix MatMul with a constant float weight, seen as a map from input channels to
/// output channels: which output and which input channel each weight element belongs to, so equalization can scale
/// either side. Values are held in double while the scales iterate and written back as float32 once
/// (<see cref="WriteBack"/>), so rounding happens one time per weight. Only weights and biases this node alone reads
/// qualify: changing a shared constant would change its other readers too.
/// </summary>
internal sealed class ChannelLayer
{
    private readonly int[] _outOf;
    private readonly int[] _inOf;
    private readonly double[] _weights;
    private readonly double[]? _bias;
    private readonly long[] _biasDims;

    private ChannelLayer(NodeProto node, ConstantWeight weight, int outChannels, int inChannels, int[] outOf, int[] inOf,
        ConstantWeight? bias, long[] biasDims, double[]? biasValues, bool channelsLast)
    {
        Node = node;
        Weight = weight;
        OutChannels = outChannels;
        InChannels = inChannels;
        _outOf = outOf;
        _inOf = inOf;
        _weights = TensorData.Read<float>(weight.Tensor).Select(v => (double)v).ToArray();
        Bias = bias;
        _biasDims = biasDims;
        _bias = biasValues;
        ChannelsLast = channelsLast;
    }

    public NodeProto Node { get; }

    public ConstantWeight Weight { get; }

    public ConstantWeight? Bias { get; }

    public int OutChannels { get; }

    public int InChannels { get; }

    /// <summary>
    /// Where the channels of its activations sit: the last axis (Gemm, MatMul: features) or axis 1 (Conv: NCHW). A pair
    /// needs both layers on the same side, since nothing between them moves axes.
    /// </summary>
    public bool ChannelsLast { get; }

    /// <summary>Max |w| over the weights of each output channel.</summary>
    public double[] OutputRanges() => Ranges(_outOf, OutChannels);

    /// <summary>Max |w| over the weights that read each input channel.</summary>
    public double[] InputRanges() => Ranges(_inOf, InChannels);

    /// <summary>Multiplies output channel c (its weights and bias) by <paramref name="factors"/>[c].</summary>
    public void ScaleOutputs(double[] factors)
    {
        for (var i = 0; i < _weights.Length; i++) _weights[i] *= factors[_outOf[i]];
        if (_bias is not null)
            for (var c = 0; c < _bias.Length; c++) _bias[c] *= factors[c];
    }

    /// <summary>Multiplies the weights that read input channel c by <paramref name="factors"/>[c].</summary>
    public void ScaleInputs(double[] factors)
    {
        for (var i = 0; i < _weights.Length; i++) _weights[i] *= factors[_inOf[i]];
    }

    /// <summary>Stores the current values in the model's tensors (float32), in place: the layer owns them alone.</summary>
    public void WriteBack()
    {
        TensorData.Replace<float>(Weight.Tensor, Weight.Tensor.Dims.ToArray(), _weights.Select(v => (float)v).ToArray());
        if (Bias is not null && _bias is not null)
            TensorData.Replace<float>(Bias.Tensor, _biasDims, _bias.Select(v => (float)v).ToArray());
    }

    private double[] Ranges(int[] channelOf, int channels)
    {
        var ranges = new double[channels];
        for (var i = 0; i < _weights.Length; i++) ranges[channelOf[i]] = Math.Max(ranges[channelOf[i]], Math.Abs(_weights[i]));
        return ranges;
    }

    /// <summary>
    /// The layer <paramref name="node"/> is, or null when it is not one equalization can rescale.
    /// <paramref name="asProducer"/>: its output channels will be scaled (its bias must be per channel);
    /// otherwise its input channels (its first input must carry channels on the axis its weight contracts).
    /// </summary>
    public static ChannelLayer? Create(GraphIndex graph, NodeProto node, bool freeInitializers, bool asProducer)
    {
        if (ModelIndex.NormalizeDomain(node.Domain).Length != 0 || node.Input.Count < 2 || node.Output.Count != 1) return null;
        var weight = Owned(graph, node, node.Input[1], freeInitializers);
        if (weight is null) return null;
        var dims = weight.Tensor.Dims.Select(d => checked((int)d)).ToArray();
        return node.OpType switch
        {
            "Conv" => Conv(graph, node, weight, dims, freeInitializers),
            "Gemm" => Gemm(graph, node, weight, dims, freeInitializers, asProducer),
            "MatMul" when dims.Length == 2 => Dense(node, weight, dims, transposed: false, null, [], null),
            _ => null,
        };
    }

    private static ChannelLayer? Conv(GraphIndex graph, NodeProto node, ConstantWeight weight, int[] dims, bool free)
    {
        // W is [M, C/group, k...]: output channel m owns block m; input channel g·(C/group) + j is slice j of the
        // blocks of group g = m / (M/group). Every group count is exact this way, depthwise included.
        var group = (int)node.GetInt("group", 1);
        if (dims.Length < 3 || group < 1 || dims[0] % group != 0) return null;
        var outChannels = dims[0];
        var perGroupIn = dims[1];
        var kernel = dims[2..].Aggregate(1, (a, d) => a * d);
        var perGroupOut = outChannels / group;
        var length = outChannels * perGroupIn * kernel;
        var outOf = new int[length];
        var inOf = new int[length];
        for (var i = 0; i < length; i++)
        {
            var m = i / (perGroupIn * kernel);
            outOf[i] = m;
            inOf[i] = (m / perGroupOut * perGroupIn) + (i / kernel % perGroupIn);
        }
        ConstantWeight? bias = null;
        double[]? values = null;
        if (node.Input.Count > 2 && node.Input[2].Length > 0)
        {
            bias = Owned(graph, node, node.Input[2], free);
            if (bias is null || bias.Tensor.Dims.Count != 1 || bias.Tensor.Dims[0] != outChannels) return null;
            values = TensorData.Read<float>(bias.Tensor).Select(v => (double)v).ToArray();
        }
        return new ChannelLayer(node, weight, outChannels, perGroupIn * group, outOf, inOf, bias, [outChannels], values, channelsLast: false);
    }

    private static ChannelLayer? Gemm(GraphIndex graph, NodeProto node, ConstantWeight weight, int[] dims, bool free, bool asProducer)
    {
        if (dims.Length != 2) return null;
        // With transA the activation is read as [K, M]: its features are not on its last axis.
        if (!asProducer && node.GetInt("transA", 0) == 1) return null;
        var transposed = node.GetInt("transB", 0) == 1;
        var channels = transposed ? dims[0] : dims[1];
        if (node.Input.Count < 3 || node.Input[2].Length == 0) return Dense(node, weight, dims, transposed, null, [], null);
        var c = Owned(graph, node, node.Input[2], free);
        if (c is null) return null;
        if (!asProducer) return Dense(node, weight, dims, transposed, null, [], null);
        // beta·C is added to every row: only a C that is one value per feature can be scaled per feature. A scalar C is
        // widened to [N] so each feature can get its own factor.
        var cDims = c.Tensor.Dims.ToArray();
        var values = TensorData.Read<float>(c.Tensor);
        long[] biasDims;
        if (cDims is [] or [1] or [1, 1]) biasDims = [channels];
        else if (cDims.SequenceEqual([channels]) || cDims.SequenceEqual([1L, channels])) biasDims = cDims;
        else return null;
        var bias = Enumerable.Range(0, channels).Select(n => (double)values[values.Length == 1 ? 0 : n]).ToArray();
        return Dense(node, weight, dims, transposed, c, biasDims, bias);
    }

    private static ChannelLayer Dense(NodeProto node, ConstantWeight weight, int[] dims, bool transposed, ConstantWeight? bias,
        long[] biasDims, double[]? values)
    {
        // B is [K, N], or [N, K] when transposed: output feature n, input feature k.
        var (k, n) = transposed ? (dims[1], dims[0]) : (dims[0], dims[1]);
        var outOf = new int[k * n];
        var inOf = new int[k * n];
        for (var i = 0; i < outOf.Length; i++)
        {
            (outOf[i], inOf[i]) = transposed ? (i / k, i % k) : (i % n, i / n);
        }
        return new ChannelLayer(node, weight, n, k, outOf, inOf, bias, biasDims, values, channelsLast: true);
    }

    /// <summary>A constant float tensor only <paramref name="node"/> reads, in one slot, that callers cannot override.</summary>
    private static ConstantWeight? Owned(GraphIndex graph, NodeProto node, string name, bool free) =>
        ConstantWeights.Find(graph, name) is { } w && w.Tensor.DataType == (int)DataType.Float
        && !FixedWeights.IsOverridable(w, free) && FixedWeights.IsExclusive(graph, w, node)
            ? w
            : null;
}

using Compression.Onnx.Editing;
using Compression.Onnx.Protobuf;

namespace Compression.Engine.Pruning.Structured;

/// <summary>How a layer's weight is laid out, which decides what removing a channel cuts out of it.</summary>
internal enum LayerKind
{
    /// <summary>A Conv with group 1: W is [M, C, k…]; output channels are W's rows, input channels its second axis.</summary>
    Conv,

    /// <summary>
    /// A Conv with group &gt; 1 (depthwise included): each group's inputs and outputs are one class, so only whole
    /// groups go and W loses rows only (its second axis, channels per group, stays).
    /// </summary>
    GroupedConv,

    /// <summary>A Gemm without transA: B is [K, N], or [N, K] with transB; C is per output feature.</summary>
    Gemm,
}

/// <summary>A Conv or Gemm whose constant weight (and bias) only it reads, so the pass may cut and refit them in place.</summary>
internal sealed record PrunableLayer(NodeProto Node, LayerKind Kind, string Input, string Output, ConstantWeight Weight,
    ConstantWeight? Bias, int OutAxis, int InAxis, int Group)
{
    /// <summary>Whether the layer mixes all its input channels into each output: the kind whose inputs a refit re-solves.</summary>
    public bool IsDense => Kind is LayerKind.Conv or LayerKind.Gemm;
}

/// <summary>
/// A constant operand indexed by the channels of <paramref name="Value"/> along <paramref name="Axis"/> (a per-channel
/// Add or Mul, a PRelu slope, an unfolded BatchNormalization's parameters): it is sliced with the channels it meets.
/// </summary>
internal sealed record ChannelConstant(NodeProto Node, int InputIndex, int Axis, string Value);

/// <summary>A Flatten from [N, C, spatial…] to [N, C·S]: feature f of the output is channel f / S of the input.</summary>
internal sealed record FlattenLink(NodeProto Node, string Input, string Output, int Block);

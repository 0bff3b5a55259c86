using Compression.Onnx.Protobuf;

namespace Compression.Engine.Distillation;

/// <summary>
/// One compressed product layer the fit visits: the node, the value it multiplies (its activation in the student),
/// the value whose teacher counterpart it is fit to (the node's output, or the bias Add after a MatMul), its weight's
/// form and layout, and its float bias when it has one the fit may set.
/// </summary>
internal sealed record DistilledLayer(NodeProto Node, string Input, string Output, ProductLayout Layout, WeightForm Weight, LayerBias? Bias)
{
    /// <summary>The teacher's name for <see cref="Output"/> (static int8 renames a quantized output and gives its name to the DequantizeLinear after it).</summary>
    public required string Target { get; init; }

    /// <summary>The teacher's float weights for this layer, in the same layout, when it has them (GPTQ's target).</summary>
    public float[]? TeacherWeights { get; init; }

    /// <summary>
    /// For a layer whose output channels a structured pass removed: the teacher's channel each of its rows stands for
    /// (<see cref="Compression.Engine.Pipeline.CompressionContext.KeptChannels"/>); null when its rows are the teacher's.
    /// </summary>
    public int[]? TargetChannels { get; init; }

    /// <summary>
    /// When the recipe prunes: the run of columns (N:M's M, else <see cref="LayerFinder.UnstructuredWindow"/>) within
    /// which the sweep may move a row's pruned elements, keeping their count; null keeps the pass's mask as it is.
    /// </summary>
    public int? MaskWindow { get; init; }

    /// <summary>
    /// Whether a window's pruned elements may move between the rows of a group (SparseGPT's choice over a block of
    /// columns for unstructured sparsity), the group's count in the window held; false holds each row's count (N:M).
    /// </summary>
    public bool MaskAcrossRows { get; init; }

    public bool IsConv => Node.OpType is "Conv" or "ConvInteger";

    /// <summary>The weight's dims (Conv: [M, C/g, kh, kw]).</summary>
    public required long[] WeightDims { get; init; }

}

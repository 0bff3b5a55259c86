using Compression.Onnx.Editing;
using Compression.Onnx.Graph;
using Compression.Onnx.Protobuf;
using Compression.Onnx.Tensors;
using DataType = Compression.Onnx.Protobuf.TensorProto.Types.DataType;

namespace Compression.Engine.Preprocessing.BatchNormFolding;

/// <summary>
/// A per-channel affine map y = x · Scale[c] + Shift[c] (channel = axis 1), in double so folding adds no rounding of
/// its own: what an inference-mode BatchNormalization computes, y = (x − mean) / √(var + ε) · scale + B, and what a Mul
/// by a constant that varies along the channels only computes (PP-LCNet's "learnable affine blocks" scale every
/// convolution's output by a scalar). A map read from a Mul may be one value for all channels (<see cref="Channels"/>
/// 1), which fits any producer.
/// </summary>
internal sealed record ChannelAffine(double[] Scale, double[] Shift)
{
    public int Channels => Scale.Length;

    /// <summary>Scale and shift of channel <paramref name="c"/> (a one-value map serves every channel).</summary>
    public (double Scale, double Shift) Of(int c) => Channels == 1 ? (Scale[0], Shift[0]) : (Scale[c], Shift[c]);

    /// <summary>
    /// The scale a Mul computes when input <paramref name="dataInput"/> has rank <paramref name="rank"/> and the other
    /// input is a float constant that broadcasts along axis 1 only, without raising the rank; null otherwise (then the
    /// node is not a per-channel scale of that input).
    /// </summary>
    public static ChannelAffine? FromMul(GraphIndex graph, NodeProto node, int dataInput, int rank, bool freeInitializers)
    {
        if (node.OpType != "Mul" || node.Input.Count != 2 || node.Output.Count != 1) return null;
        var weight = ConstantWeights.Find(graph, node.Input[1 - dataInput]);
        if (weight is null || weight.Tensor.DataType != (int)DataType.Float || FixedWeights.IsOverridable(weight, freeInitializers)) return null;
        var dims = weight.Tensor.Dims.ToArray();
        if (dims.Length > rank || rank < 2) return null;
        // Right-aligned broadcasting: the constant's dimension that lands on axis 1 may be the channel count, every
        // other one must be 1.
        var aligned = rank - dims.Length;
        for (var i = 0; i < dims.Length; i++)
            if (dims[i] != 1 && i + aligned != 1) return null;
        var values = TensorData.Read<float>(weight.Tensor).Select(v => (double)v).ToArray();
        if (values.Length == 0) return null;
        return new ChannelAffine(values, new double[values.Length]);
    }

    /// <summary>The map of <paramref name="node"/>, or null with <paramref name="reason"/> when it is not a fixed one.</summary>
    public static ChannelAffine? FromBatchNormalization(GraphIndex graph, NodeProto node, long opset, bool freeInitializers, out string? reason)
    {
        reason = InferenceModeProblem(node, opset);
        if (reason is not null) return null;
        if (node.Input.Count < 5)
        {
            reason = "it has fewer than five inputs";
            return null;
        }
        var values = new double[4][];
        for (var i = 0; i < 4; i++)
        {
            var weight = ConstantWeights.Find(graph, node.Input[i + 1]);
            if (weight is null || weight.Tensor.DataType != (int)DataType.Float || weight.Tensor.Dims.Count != 1
                || FixedWeights.IsOverridable(weight, freeInitializers))
            {
                reason = "its scale, bias, mean and variance are not constant float vectors";
                return null;
            }
            values[i] = TensorData.Read<float>(weight.Tensor).Select(v => (double)v).ToArray();
        }
        var channels = values[0].Length;
        if (values.Any(v => v.Length != channels))
        {
            reason = "its parameter vectors differ in length";
            return null;
        }
        var epsilon = (double)node.GetFloat("epsilon", 1e-5f);
        var (gamma, beta, mean, variance) = (values[0], values[1], values[2], values[3]);
        var scale = new double[channels];
        var shift = new double[channels];
        for (var c = 0; c < channels; c++)
        {
            scale[c] = gamma[c] / Math.Sqrt(variance[c] + epsilon);
            shift[c] = beta[c] - mean[c] * scale[c];
        }
        return new ChannelAffine(scale, shift);
    }

    /// <summary>Why the node does not normalize with fixed statistics, or null when it does.</summary>
    private static string? InferenceModeProblem(NodeProto node, long opset)
    {
        // training_mode (opset 14) uses the batch's own statistics; is_test (before opset 7) defaults to training.
        if (node.GetInt("training_mode", 0) == 1) return "it runs in training mode";
        if (opset < 7 && node.GetInt("is_test", 0) != 1) return "it runs in training mode (is_test is not set)";
        // spatial = 0 (opsets 7 and 8) keeps statistics per element, not per channel.
        if (node.GetInt("spatial", 1) == 0) return "its statistics are per element (spatial = 0)";
        return null;
    }
}

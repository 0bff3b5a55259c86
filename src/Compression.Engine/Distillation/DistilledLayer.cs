using Compression.Onnx.Protobuf;
using Compression.Onnx.Tensors;

namespace Compression.Engine.Distillation;

/// <summary>
/// One compressed product layer the fit visits: the node, the value it multiplies (its activation in the student),
/// the value whose teacher counterpart it is fit to (the node's output, or the bias Add after a MatMul), its weight's
/// form and layout, and its float bias when it has one the fit may set.
/// </summary>
internal sealed record DistilledLayer(NodeProto Node, string Input, string Output, ProductLayout Layout, WeightForm Weight, TensorProto? Bias)
{
    public bool IsConv => Node.OpType == "Conv";

    /// <summary>The weight's dims (Conv: [M, C/g, kh, kw]).</summary>
    public required long[] WeightDims { get; init; }

    public float[]? ReadBias() => Bias is null ? null : TensorData.Read<float>(Bias);

    public void WriteBias(double[] bias)
    {
        if (Bias is null) return;
        TensorData.Replace(Bias, Bias.Dims.ToArray(), (ReadOnlySpan<float>)bias.Select(v => (float)v).ToArray());
    }
}

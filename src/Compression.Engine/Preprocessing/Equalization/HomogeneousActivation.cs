using Compression.Onnx.Editing;
using Compression.Onnx.Graph;
using Compression.Onnx.Protobuf;
using Compression.Onnx.Tensors;
using DataType = Compression.Onnx.Protobuf.TensorProto.Types.DataType;

namespace Compression.Engine.Preprocessing.Equalization;

/// <summary>
/// Activations f with f(x / s) = f(x) / s for every s &gt; 0 (positively homogeneous), so a per-channel scale passes
/// through them unchanged: Relu, LeakyRelu, PRelu (its slope, per channel or not, multiplies x on either side of the
/// scale), and Clip whose bounds are each 0 or infinite. Clip(0, 6) is not: Clip(x/s, 0, 6) = Clip(x, 0, 6s)/s, and
/// ONNX's Clip takes one scalar bound, not one per channel — equalizing across it would change the function.
/// </summary>
internal static class HomogeneousActivation
{
    /// <summary>Null when <paramref name="node"/> commutes with a positive per-channel scale, else why not.</summary>
    public static string? Problem(GraphIndex graph, NodeProto node, long opset)
    {
        if (ModelIndex.NormalizeDomain(node.Domain).Length != 0) return $"{node.OpType} ({node.Domain}) is not a known activation";
        switch (node.OpType)
        {
            case "Relu" or "LeakyRelu" or "PRelu":
                return null;
            case "Clip":
                var (min, max) = opset < 11 ? Attributes(node) : Inputs(graph, node);
                if (min is null || max is null) return "a Clip whose bounds are not constants";
                return (min is 0 || float.IsNegativeInfinity(min.Value)) && float.IsPositiveInfinity(max.Value)
                    ? null
                    : $"Clip({min}, {max}) has a finite nonzero bound, which would have to scale per channel";
            default:
                return $"{node.OpType} between them does not commute with a per-channel scale";
        }
    }

    private static (float? Min, float? Max) Attributes(NodeProto node) =>
        (node.GetFloat("min", float.NegativeInfinity), node.GetFloat("max", float.PositiveInfinity));

    private static (float? Min, float? Max) Inputs(GraphIndex graph, NodeProto node)
    {
        float? Bound(int slot, float absent)
        {
            if (node.Input.Count <= slot || node.Input[slot].Length == 0) return absent;
            return ConstantWeights.Find(graph, node.Input[slot]) is { } c && c.Tensor.DataType == (int)DataType.Float
                   && TensorData.Read<float>(c.Tensor) is [var v]
                ? v
                : null;
        }
        return (Bound(1, float.NegativeInfinity), Bound(2, float.PositiveInfinity));
    }
}

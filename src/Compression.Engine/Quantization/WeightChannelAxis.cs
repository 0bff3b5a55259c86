using Compression.Onnx.Protobuf;

namespace Compression.Engine.Quantization;

/// <summary>
/// Which axis of a node's weight holds its output channels: per-channel scales go along it, so every output is
/// computed from weights of one scale. Conv W is [M, C/g, k...] (axis 0); ConvTranspose W is [C, M/g, k...] (axis 1);
/// Gemm B is [K, N] (axis 1), or [N, K] with transB (axis 0); MatMul B is [..., K, N] (the last axis).
/// </summary>
internal static class WeightChannelAxis
{
    public static bool IsQuantizable(NodeProto node) =>
        node.Domain is "" or "ai.onnx" && node.OpType is "Conv" or "ConvTranspose" or "Gemm" or "MatMul" && node.Input.Count > 1;

    /// <summary>The channel axis of input 1 of <paramref name="node"/> for a weight of the given rank, or null when it has none.</summary>
    public static int? Of(NodeProto node, int rank) => node.OpType switch
    {
        "Conv" when rank >= 3 => 0,
        "ConvTranspose" when rank >= 3 => 1,
        "Gemm" when rank == 2 => node.Attribute.FirstOrDefault(a => a.Name == "transB")?.I == 1 ? 0 : 1,
        "MatMul" when rank >= 2 => rank - 1,
        _ => null,
    };
}

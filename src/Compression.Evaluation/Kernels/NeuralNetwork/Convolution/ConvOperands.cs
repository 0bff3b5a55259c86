using Compression.Evaluation.Execution;
using Compression.Evaluation.Inference;
using Compression.Evaluation.Kernels.NeuralNetwork.Spatial;
using Compression.Evaluation.Tensors;
using DataType = Compression.Onnx.Protobuf.TensorProto.Types.DataType;

namespace Compression.Evaluation.Kernels.NeuralNetwork.Convolution;

/// <summary>What every convolution operator (Conv, ConvTranspose, ConvInteger, QLinearConv) reads from its data and weight inputs alike.</summary>
internal static class ConvOperands
{
    /// <summary>
    /// The output [N, M, spatial …] of a convolution over <paramref name="x"/> with <paramref name="w"/>'s filters and
    /// Conv's window attributes (the kernel from kernel_shape or w), of element type <paramref name="type"/>.
    /// </summary>
    public static IReadOnlyList<ValueInfo> Infer(InferenceContext context, ValueInfo? x, ValueInfo? w, DataType type)
    {
        if (x?.Shape is not { Length: >= 3 } xs) return [new ValueInfo(type, null)];
        var kernel = context.Attributes.GetInts("kernel_shape")
            ?? (w?.Shape is { } ws && ws.Skip(2).All(d => d.IsKnown) ? ws.Skip(2).Select(d => d.Value).ToArray() : null);
        var channels = w?.Shape is { Length: > 0 } wShape ? wShape[0] : Dim.Unknown;
        if (kernel is null || kernel.Length != xs.Length - 2)
            return [new ValueInfo(type, [xs[0], channels, .. Enumerable.Repeat(Dim.Unknown, xs.Length - 2)])];
        var geometry = WindowGeometry.Read(context.Attributes, kernel, context.Fail);
        return [new ValueInfo(type, [xs[0], channels, .. WindowGeometry.InferOutput(geometry, xs[2..])])];
    }

    /// <summary>The float kernels' checks: both inputs float, 1 to 3 spatial axes, the weight of the input's rank.</summary>
    public static void RequireFloat(KernelContext context, Tensor x, Tensor w)
    {
        if (x.ElementType != DataType.Float || w.ElementType != DataType.Float)
            throw context.Fail($"element type {x.ElementType} is not supported (float only)");
        if (x.Rank < 3 || x.Rank > 5) throw context.Fail($"input rank {x.Rank} is not supported (1 to 3 spatial axes)");
        if (w.Rank != x.Rank) throw context.Fail($"weight rank {w.Rank} differs from input rank {x.Rank}");
    }
}

using Compression.Evaluation.Execution;
using Compression.Evaluation.Inference;
using Compression.Evaluation.Tensors;
using DataType = Compression.Onnx.Protobuf.TensorProto.Types.DataType;

namespace Compression.Evaluation.Kernels.NeuralNetwork;

/// <summary>Shape rule and output allocation shared by the global pools.</summary>
internal static class GlobalPool
{
    public static IReadOnlyList<ValueInfo> Infer(InferenceContext context)
    {
        var x = context.Input(0);
        var type = x?.ElementType ?? DataType.Undefined;
        if (x?.Shape is not { Length: >= 2 } s) return [new ValueInfo(type, null)];
        return [new ValueInfo(type, [s[0], s[1], .. Enumerable.Repeat((Dim)1, s.Length - 2)])];
    }

    public static (Tensor X, Tensor Y, int Plane) Prepare(KernelContext context)
    {
        var x = context.Input(0);
        if (x.ElementType != DataType.Float) throw context.Fail($"element type {x.ElementType} is not supported (float only)");
        if (x.Rank < 2) throw context.Fail($"input rank {x.Rank} is below 2");
        var y = context.Allocate(DataType.Float, [x.Shape[0], x.Shape[1], .. Enumerable.Repeat(1, x.Rank - 2)]);
        return (x, y, ShapeMath.ElementCount(x.Shape.AsSpan(2)));
    }
}

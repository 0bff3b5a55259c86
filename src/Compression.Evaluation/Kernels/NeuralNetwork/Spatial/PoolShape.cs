using Compression.Evaluation.Execution;
using Compression.Evaluation.Inference;
using Compression.Evaluation.Tensors;

namespace Compression.Evaluation.Kernels.NeuralNetwork.Spatial;

/// <summary>Attribute reading and shape rules shared by MaxPool and AveragePool.</summary>
internal static class PoolShape
{
    public static WindowGeometry.Attributes Read(NodeAttributes attributes, int spatialRank, Func<string, KernelException> fail, bool dilations)
    {
        var kernel = attributes.GetInts("kernel_shape") ?? throw fail("required attribute 'kernel_shape' is missing");
        if (kernel.Length != spatialRank) throw fail($"kernel_shape has {kernel.Length} values for {spatialRank} spatial axes");
        return WindowGeometry.Read(attributes, kernel, fail, dilations);
    }

    public static IReadOnlyList<ValueInfo> Infer(InferenceContext context, bool dilations, int outputs)
    {
        var x = context.Input(0);
        var type = x?.ElementType ?? Onnx.Protobuf.TensorProto.Types.DataType.Undefined;
        ValueInfo result;
        if (x?.Shape is not { Length: >= 3 } xs) result = new ValueInfo(type, null);
        else
        {
            var a = Read(context.Attributes, xs.Length - 2, context.Fail, dilations);
            result = new ValueInfo(type, [xs[0], xs[1], .. WindowGeometry.InferOutput(a, xs[2..])]);
        }
        return outputs > 1 && context.OutputCount > 1
            ? [result, result with { ElementType = Onnx.Protobuf.TensorProto.Types.DataType.Int64 }]
            : [result];
    }

    public static WindowGeometry Geometry(KernelContext context, Tensor x, bool dilations)
    {
        if (x.Rank < 3 || x.Rank > 5) throw context.Fail($"input rank {x.Rank} is not supported (1 to 3 spatial axes)");
        return WindowGeometry.Create(Read(context.Attributes, x.Rank - 2, context.Fail, dilations), x.Shape.AsSpan(2));
    }
}

using Compression.Evaluation.Execution;
using Compression.Evaluation.Inference;
using Compression.Evaluation.Tensors;
using DataType = Compression.Onnx.Protobuf.TensorProto.Types.DataType;

namespace Compression.Evaluation.Kernels.TensorOps;

/// <summary>ConstantOfShape (9): a tensor of the shape given by the int64 input, filled with <c>value</c> (default float 0).</summary>
internal sealed class ConstantOfShape : IKernel
{
    public IReadOnlyList<ValueInfo> Infer(InferenceContext context)
    {
        var type = context.Attributes.GetTensor("value") is { } v ? (DataType)v.DataType : DataType.Float;
        if (TensorValues.ConstantLongs(context, 0) is { } dims) return [new ValueInfo(type, dims.Select(d => (Dim)d).ToArray())];
        var shape = context.Input(0)?.Shape;
        return [new ValueInfo(type, shape is [{ IsKnown: true } n] ? TensorValues.Unknown((int)n.Value) : null)];
    }

    public void Execute(KernelContext context)
    {
        var shape = TensorValues.Ints(TensorValues.Longs(context, 0)!);
        if (shape.Any(d => d < 0)) throw context.Fail($"shape {ShapeMath.Format(shape)} has a negative dimension");
        var value = context.Attributes.GetTensor("value") is { } proto ? TensorConversion.FromProto(proto) : Tensor.Scalar(0f);
        if (value.Length != 1) throw context.Fail("value must hold exactly one element");
        var output = context.Allocate(value.ElementType, shape);
        ElementDispatch.Run(value.Data, output.Data, new Fill(output.Length));
        context.SetOutput(0, output);
    }

    private readonly struct Fill(int length) : IElementMove
    {
        public void Run<T>(T[] source, T[] destination) => Array.Fill(destination, source[0], 0, length);
    }
}

using Compression.Evaluation.Execution;
using Compression.Evaluation.Inference;
using Compression.Evaluation.Tensors;
using DataType = Compression.Onnx.Protobuf.TensorProto.Types.DataType;

namespace Compression.Evaluation.Kernels.Elementwise;

/// <summary>And, Or, Xor: bool inputs, bool output of the broadcast shape.</summary>
internal sealed class LogicalKernel<TOp> : IKernel where TOp : struct, IBinaryFunction<bool, bool, bool>
{
    public IReadOnlyList<ValueInfo> Infer(InferenceContext context) =>
        [new ValueInfo(DataType.Bool, Broadcasting.Infer(context.Input(0)?.Shape, context.Input(1)?.Shape))];

    public void Execute(KernelContext context)
    {
        var a = context.Input(0);
        var b = context.Input(1);
        if (a.ElementType != DataType.Bool || b.ElementType != DataType.Bool)
            throw context.Fail($"inputs must be bool, not {a.ElementType} and {b.ElementType}");
        var shape = ShapeMath.Broadcast(a.Shape, b.Shape)
            ?? throw context.Fail($"shapes {ShapeMath.Format(a.Shape)} and {ShapeMath.Format(b.Shape)} do not broadcast");
        var output = context.Allocate(DataType.Bool, shape);
        BinaryLoop.Run<bool, bool, bool, TOp>((bool[])a.Data, a.Shape, (bool[])b.Data, b.Shape, (bool[])output.Data,
            shape, context.Parallelism);
        context.SetOutput(0, output);
    }
}

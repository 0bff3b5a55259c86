using Compression.Evaluation.Execution;
using Compression.Evaluation.Inference;
using Compression.Evaluation.Tensors;
using DataType = Compression.Onnx.Protobuf.TensorProto.Types.DataType;

namespace Compression.Evaluation.Kernels.Elementwise;

/// <summary>Where(condition, X, Y): X where the condition holds, else Y, with three-way NumPy broadcasting; any element type.</summary>
internal sealed class Where : IKernel
{
    public IReadOnlyList<ValueInfo> Infer(InferenceContext context)
    {
        var c = context.Input(0);
        var x = context.Input(1);
        var y = context.Input(2);
        var type = x?.ElementType ?? y?.ElementType ?? DataType.Undefined;
        return [new ValueInfo(type, Broadcasting.Infer(Broadcasting.Infer(c?.Shape, x?.Shape), y?.Shape))];
    }

    public void Execute(KernelContext context)
    {
        var c = context.Input(0);
        var x = context.Input(1);
        var y = context.Input(2);
        if (c.ElementType != DataType.Bool) throw context.Fail($"condition must be bool, not {c.ElementType}");
        if (x.ElementType != y.ElementType)
            throw context.Fail($"X and Y have different element types ({x.ElementType} and {y.ElementType})");
        var shape = ShapeMath.Broadcast(c.Shape, x.Shape) is { } cx ? ShapeMath.Broadcast(cx, y.Shape) : null;
        if (shape is null)
            throw context.Fail($"shapes {ShapeMath.Format(c.Shape)}, {ShapeMath.Format(x.Shape)} and {ShapeMath.Format(y.Shape)} do not broadcast");
        var output = context.Allocate(x.ElementType, shape);
        var action = new SelectAction(c, x, y, output);
        if (!ElementTypeSwitch.TryRun(x.ElementType, ref action))
            throw context.Fail($"element type {x.ElementType} is not supported");
        context.SetOutput(0, output);
    }

    private readonly struct SelectAction(Tensor c, Tensor x, Tensor y, Tensor output) : IElementAction
    {
        public void Run<T>() => BinaryLoop.Select((bool[])c.Data, c.Shape, (T[])x.Data, x.Shape, (T[])y.Data, y.Shape,
            (T[])output.Data, output.Shape);
    }
}

using Compression.Evaluation.Execution;
using Compression.Evaluation.Inference;
using DataType = Compression.Onnx.Protobuf.TensorProto.Types.DataType;

namespace Compression.Evaluation.Kernels.Elementwise;

/// <summary>Not: logical negation of a bool tensor.</summary>
internal sealed class Not : IKernel
{
    public IReadOnlyList<ValueInfo> Infer(InferenceContext context) =>
        [new ValueInfo(DataType.Bool, context.Input(0)?.Shape)];

    public void Execute(KernelContext context)
    {
        var x = context.Input(0);
        if (x.ElementType != DataType.Bool) throw context.Fail($"input must be bool, not {x.ElementType}");
        var output = context.Allocate(DataType.Bool, x.Shape);
        var source = x.ReadOnlySpan<bool>();
        var target = output.Span<bool>();
        for (var i = 0; i < source.Length; i++) target[i] = !source[i];
        context.SetOutput(0, output);
    }
}

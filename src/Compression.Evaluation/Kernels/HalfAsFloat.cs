using Compression.Evaluation.Execution;
using Compression.Evaluation.Inference;
using Compression.Evaluation.Tensors;
using DataType = Compression.Onnx.Protobuf.TensorProto.Types.DataType;

namespace Compression.Evaluation.Kernels;

/// <summary>
/// Runs a float32 kernel on float16 inputs: widen every fp16 input to float (exact), compute, and round every float
/// output back to fp16 once — what a runtime without native fp16 arithmetic does. Lets the build measure fp16 models
/// without a second implementation of each heavy kernel; results stay deterministic, the rounding being IEEE's.
/// </summary>
internal sealed class HalfAsFloat : IKernel, IPreparedKernel
{
    private readonly IKernel _inner;

    public HalfAsFloat(IKernel inner) => _inner = inner;

    /// <summary>The inner kernel's plan-time state (used when the inputs are float; widened inputs are new tensors it will not match).</summary>
    public object? Prepare(Onnx.Protobuf.NodeProto node, int version, IReadOnlyList<Tensor?> constants) =>
        _inner is IPreparedKernel preparing ? preparing.Prepare(node, version, constants) : null;

    public IReadOnlyList<ValueInfo> Infer(InferenceContext context)
    {
        var half = Enumerable.Range(0, context.InputCount).Any(i => context.Input(i)?.ElementType == DataType.Float16);
        if (!half) return _inner.Infer(context);
        var widened = Enumerable.Range(0, context.InputCount)
            .Select(i => context.Input(i) is { ElementType: DataType.Float16 } v ? v with { ElementType = DataType.Float, Constant = null } : context.Input(i))
            .ToList();
        return _inner.Infer(new InferenceContext(context.Node, context.OperatorVersion, widened))
            .Select(v => v.ElementType == DataType.Float ? v with { ElementType = DataType.Float16, Constant = null } : v).ToList();
    }

    public void Execute(KernelContext context)
    {
        var inputs = Enumerable.Range(0, context.InputCount).Select(context.OptionalInput).ToArray();
        if (!inputs.Any(t => t?.ElementType == DataType.Float16))
        {
            _inner.Execute(context);
            return;
        }
        var widened = context.WithInputs(inputs.Select(t => t is { ElementType: DataType.Float16 } h ? Widen(context, h) : t).ToArray());
        _inner.Execute(widened);
        for (var i = 0; i < widened.Outputs.Length; i++)
            if (widened.Outputs[i] is { } output)
                context.SetOutput(i, output.ElementType == DataType.Float ? Narrow(context, output) : output);
    }

    private static Tensor Widen(KernelContext context, Tensor half)
    {
        var result = context.Allocate(DataType.Float, half.Shape);
        var source = half.ReadOnlySpan<Half>();
        var target = result.Span<float>();
        for (var i = 0; i < source.Length; i++) target[i] = (float)source[i];
        return result;
    }

    private static Tensor Narrow(KernelContext context, Tensor single)
    {
        var result = context.Allocate(DataType.Float16, single.Shape);
        var source = single.ReadOnlySpan<float>();
        var target = result.Span<Half>();
        for (var i = 0; i < source.Length; i++) target[i] = (Half)source[i];
        return result;
    }
}

using Compression.Evaluation.Execution;
using Compression.Evaluation.Inference;
using DataType = Compression.Onnx.Protobuf.TensorProto.Types.DataType;

namespace Compression.Evaluation.Kernels.Quantization;

/// <summary>
/// DynamicQuantizeLinear (version 11): uint8 quantization with parameters from the data. As ONNX Runtime computes
/// them in float: the range [min(x), max(x)] widened to include 0; scale = (max − min) / 255, or 1 when the range is
/// empty; zero point = round half to even of clamp(0 − min / scale, 0, 255); then y as QuantizeLinear computes it
/// (a float division per element).
/// </summary>
internal sealed class DynamicQuantizeLinear : IKernel
{
    public IReadOnlyList<ValueInfo> Infer(InferenceContext context) =>
        [new ValueInfo(DataType.Uint8, context.Input(0)?.Shape), ValueInfo.Known(DataType.Float), ValueInfo.Known(DataType.Uint8)];

    public void Execute(KernelContext context)
    {
        var x = context.Input(0);
        if (x.ElementType != DataType.Float) throw context.Fail($"input of type {x.ElementType} is not supported (float only)");
        var values = x.ReadOnlySpan<float>();
        float min = 0, max = 0;
        foreach (var v in values)
        {
            if (v < min) min = v;
            if (v > max) max = v;
        }
        var scale = max == min ? 1f : (max - min) / 255f;
        var initial = 0f - min / scale;
        var zeroPoint = (int)float.Round(initial < 0 ? 0 : initial > 255 ? 255 : initial);

        var y = context.Allocate(DataType.Uint8, x.Shape);
        var ys = y.Span<byte>();
        for (var i = 0; i < ys.Length; i++) ys[i] = (byte)IntegerData.Saturate(values[i] / scale, zeroPoint, 0, 255);
        var scaleOut = context.Allocate(DataType.Float, []);
        scaleOut.Span<float>()[0] = scale;
        var zeroOut = context.Allocate(DataType.Uint8, []);
        zeroOut.Span<byte>()[0] = (byte)zeroPoint;
        context.SetOutput(0, y);
        context.SetOutput(1, scaleOut);
        context.SetOutput(2, zeroOut);
    }
}

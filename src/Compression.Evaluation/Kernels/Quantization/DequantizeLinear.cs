using Compression.Evaluation.Execution;
using Compression.Evaluation.Inference;
using Compression.Evaluation.Tensors;
using DataType = Compression.Onnx.Protobuf.TensorProto.Types.DataType;

namespace Compression.Evaluation.Kernels.Quantization;

/// <summary>
/// DequantizeLinear: y = (x − zero_point) · scale, in float. Version 10 has one scale and zero point per tensor;
/// version 13 adds <c>axis</c> and 1-D scales for one per slice along it (per-channel weights). The difference is an
/// exact integer, so the only rounding is the one multiplication, as in ONNX Runtime.
/// </summary>
internal sealed class DequantizeLinear : IKernel
{
    public IReadOnlyList<ValueInfo> Infer(InferenceContext context) =>
        [new ValueInfo(DataType.Float, context.Input(0)?.Shape)];

    public void Execute(KernelContext context)
    {
        var x = context.Input(0);
        var scale = context.Input(1);
        var zeroPoint = context.OptionalInput(2);
        if (scale.ElementType != DataType.Float) throw context.Fail($"scale of type {scale.ElementType} is not supported");
        if (zeroPoint is not null && zeroPoint.ElementType != x.ElementType)
            throw context.Fail($"zero point of type {zeroPoint.ElementType} does not match the input's {x.ElementType}");

        // Per-tensor when the scale is a scalar; otherwise one scale per slice along the axis (version 13).
        var perAxis = context.OperatorVersion >= 13 && scale.Rank == 1 && scale.Length > 1;
        if (!perAxis && scale.Length != 1) throw context.Fail($"one scale per tensor expected, got {scale.Length}");
        var axis = perAxis ? Axis(context, x) : 0;
        var channels = perAxis ? x.Shape[axis] : 1;
        if (perAxis && scale.Length != channels)
            throw context.Fail($"{scale.Length} scales for {channels} slices along axis {axis}");
        if (zeroPoint is not null && zeroPoint.Length != scale.Length)
            throw context.Fail($"{zeroPoint.Length} zero points for {scale.Length} scales");
        var inner = perAxis ? ShapeMath.ElementCount(x.Shape.AsSpan(axis + 1)) : x.Length;

        var output = context.Allocate(DataType.Float, x.Shape);
        var y = output.Span<float>();
        var scales = scale.ReadOnlySpan<float>();
        var values = Widen(x);
        var zeros = zeroPoint is null ? null : Widen(zeroPoint);
        for (var i = 0; i < y.Length; i++)
        {
            var c = perAxis ? i / inner % channels : 0;
            y[i] = (values[i] - (zeros?[c] ?? 0)) * scales[c];
        }
        context.SetOutput(0, output);
    }

    private static int Axis(KernelContext context, Tensor x) =>
        ShapeMath.NormalizeAxis(context.Attributes.GetInt("axis", 1), x.Rank);

    private static int[] Widen(Tensor t) => t.ElementType switch
    {
        DataType.Int8 => Array.ConvertAll(t.ToArray<sbyte>(), v => (int)v),
        DataType.Uint8 => Array.ConvertAll(t.ToArray<byte>(), v => (int)v),
        DataType.Int32 => t.ToArray<int>(),
        _ => throw new NotSupportedException($"DequantizeLinear of {t.ElementType}"),
    };
}

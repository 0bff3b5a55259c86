using Compression.Evaluation.Execution;
using Compression.Evaluation.Inference;
using Compression.Evaluation.Kernels.NeuralNetwork.Convolution;
using DataType = Compression.Onnx.Protobuf.TensorProto.Types.DataType;

namespace Compression.Evaluation.Kernels.Quantization;

/// <summary>
/// QLinearConv (version 10): the exact int32 convolution of (x − x_zero_point) and (w − w_zero_point), plus the int32
/// bias, requantized as ONNX Runtime does: per output channel the multiplier x_scale · w_scale / y_scale computed in
/// float in that order, float(sum) · multiplier, clamped, rounded half to even, plus y_zero_point.
/// </summary>
internal sealed class QLinearConv : IKernel
{
    public IReadOnlyList<ValueInfo> Infer(InferenceContext context) =>
        ConvOperands.Infer(context, context.Input(0), context.Input(3),
            context.Input(7)?.ElementType ?? context.Input(0)?.ElementType ?? DataType.Undefined);

    public void Execute(KernelContext context)
    {
        var x = context.Input(0);
        var w = context.Input(3);
        var yZeroPoint = context.Input(7);
        var bias = context.OptionalInput(8);
        var conv = IntegerConv.Create(context, x, w);
        var xs = IntegerConv.WidenX(context, x, context.Input(2));
        var ws = conv.WidenW(context, w, context.Input(5));
        var xScale = Requantization.Scales(context, 1, "x_scale", 1, allowHalf: false);
        var wScale = Requantization.Scales(context, 4, "w_scale", conv.Filters, allowHalf: false);
        var yScale = Requantization.Scales(context, 6, "y_scale", 1, allowHalf: false);
        var (min, max, zero) = Requantization.Output(context, yZeroPoint);
        if (bias is not null && (bias.ElementType != DataType.Int32 || bias.Length != conv.Filters))
            throw context.Fail($"bias must be {conv.Filters} int32 values");

        var multipliers = new float[wScale.Length];
        for (var i = 0; i < multipliers.Length; i++) multipliers[i] = xScale[0] * wScale[i] / yScale[0];

        var biasValues = bias?.ToArray<int>();
        context.SetOutput(0, Requantization.Allocate(context, yZeroPoint.ElementType, conv.OutputShape, result =>
            conv.Run(xs, ws, context.Parallelism, new Requantize(result, conv.Plane, multipliers, biasValues, zero, min, max))));
    }

    private readonly struct Requantize(int[] y, int plane, float[] multipliers, int[]? bias, int zeroPoint, int min, int max)
        : IntegerConv.IEpilogue
    {
        public void Plane(int item, int filter, ReadOnlySpan<int> sums)
        {
            var target = y.AsSpan(item * plane, plane);
            var multiplier = multipliers[multipliers.Length == 1 ? 0 : filter];
            var offset = bias?[filter] ?? 0;
            for (var i = 0; i < target.Length; i++)
                target[i] = IntegerData.Saturate((sums[i] + offset) * multiplier, zeroPoint, min, max);
        }
    }
}

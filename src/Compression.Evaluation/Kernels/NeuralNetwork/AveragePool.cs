using Compression.Evaluation.Execution;
using Compression.Evaluation.Inference;
using Compression.Evaluation.Kernels.NeuralNetwork.Spatial;
using DataType = Compression.Onnx.Protobuf.TensorProto.Types.DataType;

namespace Compression.Evaluation.Kernels.NeuralNetwork;

/// <summary>
/// AveragePool: 1, 7 (count_include_pad), 10 (ceil_mode), 11 (pads wording), 19 (dilations). The window's values are
/// summed in float in row-major tap order, then divided by the number of taps inside the input, or, with
/// count_include_pad, inside the padded input (a window that ceil_mode lets run past the end pad still counts only up to
/// it, as ONNX Runtime does). With dilations the taps are every dilation-th element and the counts are of taps.
/// </summary>
internal sealed class AveragePool : IKernel
{
    public IReadOnlyList<ValueInfo> Infer(InferenceContext context) => PoolShape.Infer(context, dilations: context.OperatorVersion >= 19, outputs: 1);

    public void Execute(KernelContext context)
    {
        var x = context.Input(0);
        if (x.ElementType != DataType.Float) throw context.Fail($"element type {x.ElementType} is not supported (float only)");
        var g = PoolShape.Geometry(context, x, dilations: context.OperatorVersion >= 19);
        var includePad = context.Attributes.GetInt("count_include_pad", 0) != 0;
        var y = context.Allocate(DataType.Float, [x.Shape[0], x.Shape[1], .. g.OutputDims()]);
        var xs = (float[])x.Data;
        var ys = (float[])y.Data;
        int id = g.Input[0], ih = g.Input[1], iw = g.Input[2];
        int od = g.Output[0], oh = g.Output[1], ow = g.Output[2];
        int dd = g.Dilation[0], dh = g.Dilation[1], dw = g.Dilation[2];
        context.Parallelism.For(x.Shape[0] * x.Shape[1], plane =>
        {
            var xOffset = plane * g.InputSize;
            var yOffset = plane * g.OutputSize;
            for (var d = 0; d < od; d++)
            {
                var (d0, dt, dn) = Extent(d, 0, g, id, includePad);
                for (var h = 0; h < oh; h++)
                {
                    var (h0, ht, hn) = Extent(h, 1, g, ih, includePad);
                    for (var w = 0; w < ow; w++)
                    {
                        var (w0, wt, wn) = Extent(w, 2, g, iw, includePad);
                        var sum = 0f;
                        for (int a = 0, pa = d0; a < dt; a++, pa += dd)
                            for (int c = 0, pc = h0; c < ht; c++, pc += dh)
                            {
                                var row = xOffset + (pa * ih + pc) * iw;
                                for (int e = 0, pe = w0; e < wt; e++, pe += dw) sum += xs[row + pe];
                            }
                        var count = dn * hn * wn;
                        ys[yOffset + (d * oh + h) * ow + w] = count > 0 ? sum / count : 0f;
                    }
                }
            }
        }, (long)g.OutputSize * g.KernelSize);
        context.SetOutput(0, y);
    }

    /// <summary>
    /// Along one axis: the position of the window's first tap inside the input, how many taps fall inside it (they are
    /// consecutive, dilation apart), and the count the axis contributes to the divisor.
    /// </summary>
    private static (int First, int Taps, int Count) Extent(int o, int axis, WindowGeometry g, int size, bool includePad)
    {
        var dilation = g.Dilation[axis];
        var kernel = g.Kernel[axis];
        var start = o * g.Stride[axis] - g.PadBegin[axis];
        // Taps k with 0 <= start + k·dilation < limit form the range [TapsFrom(0), TapsBelow(limit)).
        var low = start >= 0 ? 0 : (-start + dilation - 1) / dilation;
        int Below(int limit) => limit <= start ? 0 : Math.Min(kernel, (limit - start + dilation - 1) / dilation);
        var inside = Math.Max(0, Below(size) - low);
        var count = includePad ? Below(size + g.PadEnd[axis]) : inside;
        return (start + low * dilation, inside, count);
    }
}

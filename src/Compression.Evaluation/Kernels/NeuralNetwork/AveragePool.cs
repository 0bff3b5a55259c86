using Compression.Evaluation.Execution;
using Compression.Evaluation.Inference;
using Compression.Evaluation.Kernels.NeuralNetwork.Spatial;
using DataType = Compression.Onnx.Protobuf.TensorProto.Types.DataType;

namespace Compression.Evaluation.Kernels.NeuralNetwork;

/// <summary>
/// AveragePool: 1, 7 (count_include_pad), 10 (ceil_mode), 11 (pads wording). The window's values are summed in float
/// in row-major tap order, then divided by the number of taps inside the input, or, with count_include_pad, inside the
/// padded input (a window that ceil_mode lets run past the end pad still counts only up to it, as ONNX Runtime does).
/// </summary>
internal sealed class AveragePool : IKernel
{
    public IReadOnlyList<ValueInfo> Infer(InferenceContext context) => PoolShape.Infer(context, dilations: false, outputs: 1);

    public void Execute(KernelContext context)
    {
        var x = context.Input(0);
        if (x.ElementType != DataType.Float) throw context.Fail($"element type {x.ElementType} is not supported (float only)");
        var g = PoolShape.Geometry(context, x, dilations: false);
        var includePad = context.Attributes.GetInt("count_include_pad", 0) != 0;
        var y = context.Allocate(DataType.Float, [x.Shape[0], x.Shape[1], .. g.OutputDims()]);
        var xs = (float[])x.Data;
        var ys = (float[])y.Data;
        int id = g.Input[0], ih = g.Input[1], iw = g.Input[2];
        int od = g.Output[0], oh = g.Output[1], ow = g.Output[2];
        context.Parallelism.For(x.Shape[0] * x.Shape[1], plane =>
        {
            var xOffset = plane * g.InputSize;
            var yOffset = plane * g.OutputSize;
            for (var d = 0; d < od; d++)
            {
                var (d0, d1, dn) = Extent(d, 0, g, id, includePad);
                for (var h = 0; h < oh; h++)
                {
                    var (h0, h1, hn) = Extent(h, 1, g, ih, includePad);
                    for (var w = 0; w < ow; w++)
                    {
                        var (w0, w1, wn) = Extent(w, 2, g, iw, includePad);
                        var sum = 0f;
                        for (var a = d0; a < d1; a++)
                            for (var c = h0; c < h1; c++)
                            {
                                var row = xOffset + (a * ih + c) * iw;
                                for (var e = w0; e < w1; e++) sum += xs[row + e];
                            }
                        var count = dn * hn * wn;
                        ys[yOffset + (d * oh + h) * ow + w] = count > 0 ? sum / count : 0f;
                    }
                }
            }
        }, (long)g.OutputSize * g.KernelSize);
        context.SetOutput(0, y);
    }

    /// <summary>The window's clipped range [start, end) along one axis and the count it contributes to the divisor.</summary>
    private static (int Start, int End, int Count) Extent(int o, int axis, WindowGeometry g, int size, bool includePad)
    {
        var start = o * g.Stride[axis] - g.PadBegin[axis];
        var end = start + g.Kernel[axis];
        var paddedEnd = Math.Min(end, size + g.PadEnd[axis]);
        var clippedStart = Math.Max(start, 0);
        var clippedEnd = Math.Min(end, size);
        var count = includePad ? paddedEnd - start : clippedEnd - clippedStart;
        return (clippedStart, Math.Max(clippedStart, clippedEnd), Math.Max(0, count));
    }
}

using System.Runtime.CompilerServices;
using Compression.Evaluation.Execution;
using Compression.Evaluation.Kernels.NeuralNetwork.Linear;

namespace Compression.Evaluation.Kernels.NeuralNetwork.Spatial;

/// <summary>
/// Unfolds convolution windows into the B operand of <see cref="GemmCore"/>, already in its packed panel layout:
/// row r = (channel, kernel d, h, w) in row-major order, column p = output position; padded taps are zero.
/// </summary>
internal static class Im2Col
{
    public static void Pack(float[] x, int xOffset, int channels, WindowGeometry g, float[] packed, Parallelism parallelism)
    {
        var taps = g.KernelSize;
        var k = channels * taps;
        var positions = g.OutputSize;
        var padded = (positions + GemmCore.NR - 1) / GemmCore.NR * GemmCore.NR;
        parallelism.For(k, r => Row(x, xOffset, r / taps, r % taps, k, g, packed, positions, padded), positions);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Row(float[] x, int xOffset, int channel, int tap, int k, WindowGeometry g, float[] packed, int positions, int padded)
    {
        const int nr = GemmCore.NR;
        int kh = g.Kernel[1], kw = g.Kernel[2];
        var a = tap / (kh * kw);
        var c = tap / kw % kh;
        var e = tap % kw;
        int id = g.Input[0], ih = g.Input[1], iw = g.Input[2];
        int od = g.Output[0], oh = g.Output[1], ow = g.Output[2];
        var plane = xOffset + channel * g.InputSize;
        var shiftW = e * g.Dilation[2] - g.PadBegin[2];
        var strideW = g.Stride[2];
        var (lo, hi) = WindowGeometry.ValidRange(shiftW, strideW, iw, ow);
        var panelStride = nr * k;
        var row = (channel * g.KernelSize + tap) * nr;
        var p = 0;
        for (var d = 0; d < od; d++)
        {
            var inD = d * g.Stride[0] - g.PadBegin[0] + a * g.Dilation[0];
            for (var h = 0; h < oh; h++)
            {
                var inH = h * g.Stride[1] - g.PadBegin[1] + c * g.Dilation[1];
                var inside = (uint)inD < (uint)id && (uint)inH < (uint)ih;
                var src = plane + (inD * ih + inH) * iw + shiftW;
                for (var o = 0; o < ow; o++, p++)
                {
                    var v = inside && o >= lo && o < hi ? x[src + o * strideW] : 0f;
                    packed[(p / nr) * panelStride + row + p % nr] = v;
                }
            }
        }
        for (; p < padded; p++) packed[(p / nr) * panelStride + row + p % nr] = 0f;
    }
}

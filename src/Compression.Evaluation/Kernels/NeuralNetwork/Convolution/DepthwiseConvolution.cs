using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using Compression.Evaluation.Execution;
using Compression.Evaluation.Kernels.NeuralNetwork.Spatial;

namespace Compression.Evaluation.Kernels.NeuralNetwork.Convolution;

/// <summary>
/// Depthwise convolution (one input channel per group) of any geometry, taps in the padding skipped: the path for what
/// <see cref="DepthwisePadded"/> does not serve (3-D, dilated, strides above 2 along the row, non-finite weights).
/// </summary>
internal static class DepthwiseConvolution
{
    /// <summary>Each output plane from one input plane, a multiply-add per kernel tap.</summary>
    public static void Run(float[] x, float[] w, ConvOutputStore post, float[] y, int batch, int channels, int multiplier,
        WindowGeometry g, Parallelism parallelism)
    {
        var filters = channels * multiplier;
        parallelism.For(batch * filters, plane =>
        {
            Plane(x, w, y, plane, channels, multiplier, g);
            post.Row(plane * g.OutputSize, g.OutputSize);
        }, (long)g.OutputSize * g.KernelSize);
    }

    /// <summary>
    /// One output plane of a depthwise convolution, row by row. An output is fma-accumulated from +0 over the window taps
    /// (kernel d, h, w) in ascending order, skipping taps in the padding (their products are zero). Outputs whose
    /// window columns are all inside the row are computed 16 or 8 at a time with the sums held in registers across all
    /// taps (strided loads for stride 2); edge outputs one at a time in the same order, so every element is the same
    /// chain of fused multiply-adds either way.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Plane(float[] x, float[] w, float[] y, int plane, int channels, int multiplier, WindowGeometry g)
    {
        var filters = channels * multiplier;
        int id = g.Input[0], ih = g.Input[1], iw = g.Input[2];
        int od = g.Output[0], oh = g.Output[1], ow = g.Output[2];
        int kd = g.Kernel[0], kh = g.Kernel[1], kw = g.Kernel[2];
        int stride = g.Stride[2], dilation = g.Dilation[2], pad = g.PadBegin[2];
        var taps = g.KernelSize;
        var n = plane / filters;
        var m = plane % filters;
        var input = new ReadOnlySpan<float>(x, (n * channels + m / multiplier) * g.InputSize, g.InputSize);
        var weights = new ReadOnlySpan<float>(w, m * taps, taps);
        var output = new Span<float>(y, plane * g.OutputSize, g.OutputSize);
        Span<int> rows = stackalloc int[kd * kh];
        Span<int> rowWeights = stackalloc int[kd * kh];
        var (lo, _) = WindowGeometry.ValidRange(-pad, stride, iw, ow);
        var (_, hi) = WindowGeometry.ValidRange((kw - 1) * dilation - pad, stride, iw, ow);
        var reach = StridedLoad.Reach(stride);
        var fast3x3 = kd == 1 && kh == 3 && kw == 3 && dilation == 1 && g.Dilation[1] == 1 && stride is 1 or 2;
        for (var d = 0; d < od; d++)
            for (var h = 0; h < oh; h++)
            {
                var count = 0;
                for (var a = 0; a < kd; a++)
                {
                    var inD = d * g.Stride[0] - g.PadBegin[0] + a * g.Dilation[0];
                    if ((uint)inD >= (uint)id) continue;
                    for (var c = 0; c < kh; c++)
                    {
                        var inH = h * g.Stride[1] - g.PadBegin[1] + c * g.Dilation[1];
                        if ((uint)inH >= (uint)ih) continue;
                        rows[count] = (inD * ih + inH) * iw;
                        rowWeights[count++] = (a * kh + c) * kw;
                    }
                }
                var validRows = rows[..count];
                var validWeights = rowWeights[..count];
                var row = output.Slice((d * oh + h) * ow, ow);
                var o = 0;
                for (; o < lo && o < ow; o++) row[o] = One(input, weights, validRows, validWeights, o * stride - pad, kw, dilation, iw);
                var last = count == 0 ? 0 : validRows[^1] + (kw - 1) * dilation + reach - pad;
                if (fast3x3 && count == 3)
                {
                    // Vector outputs whose loads stay inside the plane: last + o·stride <= length.
                    var end = Math.Min(hi, (input.Length - last) / stride + 1);
                    o = ThreeByThree(input, weights, validRows, row, o, end, stride, pad);
                }
                for (; o + 16 <= hi && last + (o + 8) * stride <= input.Length; o += 16)
                {
                    var first = o * stride - pad;
                    Vector256<float> acc0 = Vector256<float>.Zero, acc1 = Vector256<float>.Zero;
                    for (var r = 0; r < validRows.Length; r++)
                    {
                        var start = validRows[r] + first;
                        var wr = validWeights[r];
                        for (var e = 0; e < kw; e++)
                        {
                            var wv = Vector256.Create(weights[wr + e]);
                            var at = start + e * dilation;
                            acc0 = Vector256.FusedMultiplyAdd(wv, StridedLoad.Load(input, at, stride), acc0);
                            acc1 = Vector256.FusedMultiplyAdd(wv, StridedLoad.Load(input, at + 8 * stride, stride), acc1);
                        }
                    }
                    acc0.CopyTo(row.Slice(o, 8));
                    acc1.CopyTo(row.Slice(o + 8, 8));
                }
                for (; o + 8 <= hi && last + o * stride <= input.Length; o += 8)
                {
                    var first = o * stride - pad;
                    var acc = Vector256<float>.Zero;
                    for (var r = 0; r < validRows.Length; r++)
                    {
                        var start = validRows[r] + first;
                        var wr = validWeights[r];
                        for (var e = 0; e < kw; e++)
                            acc = Vector256.FusedMultiplyAdd(Vector256.Create(weights[wr + e]), StridedLoad.Load(input, start + e * dilation, stride), acc);
                    }
                    acc.CopyTo(row.Slice(o, 8));
                }
                for (; o < ow; o++) row[o] = One(input, weights, validRows, validWeights, o * stride - pad, kw, dilation, iw);
            }
    }

    /// <summary>
    /// Outputs [from, to) of one row of a 3×3 depthwise convolution whose three window rows are all inside the input,
    /// eight at a time with the nine weights held in registers: the taps in the same order as the generic loop
    /// (window row, then column), so the same fma chain per element. Returns the first output not computed.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static unsafe int ThreeByThree(ReadOnlySpan<float> input, ReadOnlySpan<float> weights, ReadOnlySpan<int> rows, Span<float> row,
        int from, int to, int stride, int pad)
    {
        var o = from;
        if (to - from < 8) return o;
        fixed (float* x = input, w = weights, y = row)
        {
            var r0 = x + rows[0] - pad;
            var r1 = x + rows[1] - pad;
            var r2 = x + rows[2] - pad;
            Vector256<float> w00 = Vector256.Create(w[0]), w01 = Vector256.Create(w[1]), w02 = Vector256.Create(w[2]);
            Vector256<float> w10 = Vector256.Create(w[3]), w11 = Vector256.Create(w[4]), w12 = Vector256.Create(w[5]);
            Vector256<float> w20 = Vector256.Create(w[6]), w21 = Vector256.Create(w[7]), w22 = Vector256.Create(w[8]);
            if (stride == 1)
            {
                for (; o + 8 <= to; o += 8)
                {
                    var acc = Vector256.FusedMultiplyAdd(w00, Vector256.Load(r0 + o), Vector256<float>.Zero);
                    acc = Vector256.FusedMultiplyAdd(w01, Vector256.Load(r0 + o + 1), acc);
                    acc = Vector256.FusedMultiplyAdd(w02, Vector256.Load(r0 + o + 2), acc);
                    acc = Vector256.FusedMultiplyAdd(w10, Vector256.Load(r1 + o), acc);
                    acc = Vector256.FusedMultiplyAdd(w11, Vector256.Load(r1 + o + 1), acc);
                    acc = Vector256.FusedMultiplyAdd(w12, Vector256.Load(r1 + o + 2), acc);
                    acc = Vector256.FusedMultiplyAdd(w20, Vector256.Load(r2 + o), acc);
                    acc = Vector256.FusedMultiplyAdd(w21, Vector256.Load(r2 + o + 1), acc);
                    acc = Vector256.FusedMultiplyAdd(w22, Vector256.Load(r2 + o + 2), acc);
                    acc.Store(y + o);
                }
            }
            else
            {
                for (; o + 8 <= to; o += 8)
                {
                    var i = 2 * o;
                    var acc = Vector256.FusedMultiplyAdd(w00, StridedLoad.Evens(r0 + i), Vector256<float>.Zero);
                    acc = Vector256.FusedMultiplyAdd(w01, StridedLoad.Evens(r0 + i + 1), acc);
                    acc = Vector256.FusedMultiplyAdd(w02, StridedLoad.Evens(r0 + i + 2), acc);
                    acc = Vector256.FusedMultiplyAdd(w10, StridedLoad.Evens(r1 + i), acc);
                    acc = Vector256.FusedMultiplyAdd(w11, StridedLoad.Evens(r1 + i + 1), acc);
                    acc = Vector256.FusedMultiplyAdd(w12, StridedLoad.Evens(r1 + i + 2), acc);
                    acc = Vector256.FusedMultiplyAdd(w20, StridedLoad.Evens(r2 + i), acc);
                    acc = Vector256.FusedMultiplyAdd(w21, StridedLoad.Evens(r2 + i + 1), acc);
                    acc = Vector256.FusedMultiplyAdd(w22, StridedLoad.Evens(r2 + i + 2), acc);
                    acc.Store(y + o);
                }
            }
        }
        return o;
    }


    /// <summary>One depthwise output: fma over the valid window rows and the columns inside [0, iw), in window order.</summary>
    private static float One(ReadOnlySpan<float> input, ReadOnlySpan<float> weights, ReadOnlySpan<int> rows, ReadOnlySpan<int> rowWeights,
        int first, int kw, int dilation, int iw)
    {
        var acc = 0f;
        for (var r = 0; r < rows.Length; r++)
            for (var e = 0; e < kw; e++)
            {
                var pw = first + e * dilation;
                if ((uint)pw < (uint)iw) acc = MathF.FusedMultiplyAdd(weights[rowWeights[r] + e], input[rows[r] + pw], acc);
            }
        return acc;
    }

}

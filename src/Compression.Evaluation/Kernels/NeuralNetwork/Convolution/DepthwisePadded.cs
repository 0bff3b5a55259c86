using System.Buffers;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using Compression.Evaluation.Execution;
using Compression.Evaluation.Kernels.NeuralNetwork.Spatial;

namespace Compression.Evaluation.Kernels.NeuralNetwork.Convolution;

/// <summary>
/// Depthwise convolution (one input channel per group) on a zero-padded copy of each input plane, so every output —
/// edges included — is computed eight at a time along the row with all window taps in one fma chain.
/// <para>
/// Same bits as the direct loop (<see cref="DepthwiseConvolution"/>), which skips taps in the padding: window rows outside
/// the input are skipped here too, and a padded column is fma(w, +0, acc) = acc + (w·0). With a finite weight w·0 is ±0, and acc + ±0 = acc because acc starts at +0 and a
/// round-to-nearest sum is −0 only when both terms are −0, so acc is never −0. Hence only planes whose weights are all
/// finite come here (an infinite weight would turn a padded tap into NaN). Taps are visited in the same order (window
/// row, then column) from +0.
/// </para>
/// </summary>
internal static class DepthwisePadded
{
    /// <summary>Whether this kernel serves the geometry (<see cref="WindowGeometry.RunsOnPaddedRows"/>).</summary>
    public static bool Fits(WindowGeometry g) => g.RunsOnPaddedRows;

    /// <summary>Output floats below which planes are grouped into one task.</summary>
    private const int ShortPlanes = 512;

    public static bool AllFinite(float[] weights)
    {
        foreach (var w in weights)
            if (!float.IsFinite(w)) return false;
        return true;
    }

    public static void Run(float[] x, float[] w, ConvOutputStore post, float[] y, int batch, int channels, int multiplier, WindowGeometry g,
        Parallelism parallelism)
    {
        var filters = channels * multiplier;
        var planes = batch * filters;
        // Short planes go several to a task, their bias and epilogue in one call (per plane, its setup would outweigh the work).
        var perTask = Math.Clamp(ShortPlanes / Math.Max(1, g.OutputSize), 1, Math.Max(1, planes));
        var tasks = (planes + perTask - 1) / perTask;
        parallelism.For(tasks, task =>
        {
            var first = task * perTask;
            var end = Math.Min(planes, first + perTask);
            for (var plane = first; plane < end; plane++)
            {
                var n = plane / filters;
                var m = plane % filters;
                Rows(x, (n * channels + m / multiplier) * g.InputSize, w, m * g.KernelSize, y, plane * g.OutputSize, 0, g.Output[1], g);
            }
            post.Row(first * g.OutputSize, (end - first) * g.OutputSize);
        }, (long)perTask * g.OutputSize * g.KernelSize);
    }

    /// <summary>Output rows [h0, h1) of one plane into y from yOffset (row h at yOffset + (h − h0)·ow), without bias.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization), SkipLocalsInit]
    public static unsafe void Rows(float[] x, int xOffset, float[] w, int wOffset, float[] y, int yOffset, int h0, int h1, WindowGeometry g)
    {
        int ih = g.Input[1], iw = g.Input[2], ow = g.Output[2], kh = g.Kernel[1], kw = g.Kernel[2];
        int sh = g.Stride[1], sw = g.Stride[2], top = g.PadBegin[1], left = g.PadBegin[2];
        var vectors = (ow + 7) / 8;
        // Rows padded along the row only, wide enough for every load of the last vector (a stride-2 load reads 16
        // floats). Window rows above or below the input are skipped, as the direct loop skips them (exact: see above).
        var width = Math.Max(left + iw, vectors * 8 * sw + kw) + 16;
        // The input rows these output rows read.
        var first = Math.Max(0, h0 * sh - top);
        var end = Math.Min(ih, (h1 - 1) * sh - top + kh);
        var used = Math.Max(0, end - first);
        // Eight floats of slack: the zeros past a row are written a vector at a time.
        var padded = ArrayPool<float>.Shared.Rent(width * used + 8);
        try
        {
            var tile = stackalloc float[8];
            var rows = stackalloc float*[kh];
            var rowWeights = stackalloc int[kh];
            fixed (float* pp = padded, wp = w, yp = y, xp = x)
            {
                for (var r = 0; r < used; r++) PadRow(xp + xOffset + (first + r) * iw, iw, pp + r * width, left, width);
                var taps = wp + wOffset;
                for (var h = h0; h < h1; h++)
                {
                    var count = 0;
                    for (var r = 0; r < kh; r++)
                    {
                        var inH = h * sh - top + r;
                        if ((uint)inH >= (uint)ih) continue;
                        rows[count] = pp + (inH - first) * width;
                        rowWeights[count++] = r * kw;
                    }
                    var output = yp + yOffset + (h - h0) * ow;
                    var full = ow / 8 * 8;
                    if (kw == 3 && count == 3 && kh == 3)
                    {
                        Row3x3(rows[0], rows[1], rows[2], taps, output, full, sw);
                        if (full == ow) continue;
                    }
                    for (var o = kw == 3 && count == 3 && kh == 3 ? full : 0; o < ow; o += 8)
                    {
                        var acc = kw == 3 && count == 3 && kh == 3
                            ? Window3x3(rows[0], rows[1], rows[2], taps, o * sw, sw)
                            : Window(rows, rowWeights, count, taps, o * sw, sw, kw);
                        if (o + 8 <= ow) acc.Store(output + o);
                        else
                        {
                            acc.Store(tile);
                            for (var i = 0; o + i < ow; i++) output[o + i] = tile[i];
                        }
                    }
                }
            }
        }
        finally
        {
            ArrayPool<float>.Shared.Return(padded);
        }
    }

    /// <summary>
    /// One input row into the padded buffer: zeros, the row from column <paramref name="left"/>, zeros to
    /// <paramref name="width"/> (and up to 8 floats past it, overwritten by the next row). Vector copies inline: per
    /// row, calls to Clear and CopyTo cost more than the copy itself.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static unsafe void PadRow(float* source, int iw, float* row, int left, int width)
    {
        for (var j = 0; j < left; j += 8) Vector256<float>.Zero.Store(row + j);
        var target = row + left;
        var i = 0;
        for (; i + 8 <= iw; i += 8) Vector256.Load(source + i).Store(target + i);
        for (; i < iw; i++) target[i] = source[i];
        for (var j = left + iw; j < width; j += 8) Vector256<float>.Zero.Store(row + j);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static unsafe Vector256<float> Load(float* p, int stride) => stride == 1 ? Vector256.Load(p) : StridedLoad.Evens(p);

    /// <summary>
    /// Outputs [0, count) (a multiple of 8) of a row whose three window rows are inside the input, with the nine weights
    /// broadcast once into registers: per vector, the same nine fmas in window order as <see cref="Window3x3"/>.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static unsafe void Row3x3(float* row0, float* row1, float* row2, float* w, float* output, int count, int stride)
    {
        if (stride == 1) Row3x3<UnitStride>(row0, row1, row2, w, output, count);
        else Row3x3<DoubleStride>(row0, row1, row2, w, output, count);
    }

    /// <summary>Eight consecutive inputs of a stride: p[0..8) for stride 1, p[0], p[2], …, p[14] for stride 2.</summary>
    private interface IStridedLoad
    {
        static abstract int Stride { get; }

        static abstract unsafe Vector256<float> Load(float* p);
    }

    private readonly struct UnitStride : IStridedLoad
    {
        public static int Stride => 1;

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static unsafe Vector256<float> Load(float* p) => Vector256.Load(p);
    }

    private readonly struct DoubleStride : IStridedLoad
    {
        public static int Stride => 2;

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static unsafe Vector256<float> Load(float* p) => StridedLoad.Evens(p);
    }

    /// <summary>
    /// <see cref="Row3x3(float*, float*, float*, float*, float*, int, int)"/> for one stride, four vectors at a time:
    /// four independent fma chains interleaved tap by tap (one chain alone waits on each fma's latency); each chain
    /// is the nine taps in window order from +0.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static unsafe void Row3x3<T>(float* row0, float* row1, float* row2, float* w, float* output, int count) where T : struct, IStridedLoad
    {
        Vector256<float> w0 = Vector256.Create(w[0]), w1 = Vector256.Create(w[1]), w2 = Vector256.Create(w[2]);
        Vector256<float> w3 = Vector256.Create(w[3]), w4 = Vector256.Create(w[4]), w5 = Vector256.Create(w[5]);
        Vector256<float> w6 = Vector256.Create(w[6]), w7 = Vector256.Create(w[7]), w8 = Vector256.Create(w[8]);
        var s = T.Stride;
        var o = 0;
        for (; o + 32 <= count; o += 32)
        {
            var r0 = row0 + o * s;
            var r1 = row1 + o * s;
            var r2 = row2 + o * s;
            const int v = 8;
            var a = Vector256.FusedMultiplyAdd(w0, T.Load(r0), Vector256<float>.Zero);
            var b = Vector256.FusedMultiplyAdd(w0, T.Load(r0 + v * s), Vector256<float>.Zero);
            var c = Vector256.FusedMultiplyAdd(w0, T.Load(r0 + 2 * v * s), Vector256<float>.Zero);
            var d = Vector256.FusedMultiplyAdd(w0, T.Load(r0 + 3 * v * s), Vector256<float>.Zero);
            a = Vector256.FusedMultiplyAdd(w1, T.Load(r0 + 1), a);
            b = Vector256.FusedMultiplyAdd(w1, T.Load(r0 + v * s + 1), b);
            c = Vector256.FusedMultiplyAdd(w1, T.Load(r0 + 2 * v * s + 1), c);
            d = Vector256.FusedMultiplyAdd(w1, T.Load(r0 + 3 * v * s + 1), d);
            a = Vector256.FusedMultiplyAdd(w2, T.Load(r0 + 2), a);
            b = Vector256.FusedMultiplyAdd(w2, T.Load(r0 + v * s + 2), b);
            c = Vector256.FusedMultiplyAdd(w2, T.Load(r0 + 2 * v * s + 2), c);
            d = Vector256.FusedMultiplyAdd(w2, T.Load(r0 + 3 * v * s + 2), d);
            a = Vector256.FusedMultiplyAdd(w3, T.Load(r1), a);
            b = Vector256.FusedMultiplyAdd(w3, T.Load(r1 + v * s), b);
            c = Vector256.FusedMultiplyAdd(w3, T.Load(r1 + 2 * v * s), c);
            d = Vector256.FusedMultiplyAdd(w3, T.Load(r1 + 3 * v * s), d);
            a = Vector256.FusedMultiplyAdd(w4, T.Load(r1 + 1), a);
            b = Vector256.FusedMultiplyAdd(w4, T.Load(r1 + v * s + 1), b);
            c = Vector256.FusedMultiplyAdd(w4, T.Load(r1 + 2 * v * s + 1), c);
            d = Vector256.FusedMultiplyAdd(w4, T.Load(r1 + 3 * v * s + 1), d);
            a = Vector256.FusedMultiplyAdd(w5, T.Load(r1 + 2), a);
            b = Vector256.FusedMultiplyAdd(w5, T.Load(r1 + v * s + 2), b);
            c = Vector256.FusedMultiplyAdd(w5, T.Load(r1 + 2 * v * s + 2), c);
            d = Vector256.FusedMultiplyAdd(w5, T.Load(r1 + 3 * v * s + 2), d);
            a = Vector256.FusedMultiplyAdd(w6, T.Load(r2), a);
            b = Vector256.FusedMultiplyAdd(w6, T.Load(r2 + v * s), b);
            c = Vector256.FusedMultiplyAdd(w6, T.Load(r2 + 2 * v * s), c);
            d = Vector256.FusedMultiplyAdd(w6, T.Load(r2 + 3 * v * s), d);
            a = Vector256.FusedMultiplyAdd(w7, T.Load(r2 + 1), a);
            b = Vector256.FusedMultiplyAdd(w7, T.Load(r2 + v * s + 1), b);
            c = Vector256.FusedMultiplyAdd(w7, T.Load(r2 + 2 * v * s + 1), c);
            d = Vector256.FusedMultiplyAdd(w7, T.Load(r2 + 3 * v * s + 1), d);
            Vector256.FusedMultiplyAdd(w8, T.Load(r2 + 2), a).Store(output + o);
            Vector256.FusedMultiplyAdd(w8, T.Load(r2 + v * s + 2), b).Store(output + o + v);
            Vector256.FusedMultiplyAdd(w8, T.Load(r2 + 2 * v * s + 2), c).Store(output + o + 2 * v);
            Vector256.FusedMultiplyAdd(w8, T.Load(r2 + 3 * v * s + 2), d).Store(output + o + 3 * v);
        }
        for (; o < count; o += 8)
        {
            var r0 = row0 + o * s;
            var r1 = row1 + o * s;
            var r2 = row2 + o * s;
            var acc = Vector256.FusedMultiplyAdd(w0, T.Load(r0), Vector256<float>.Zero);
            acc = Vector256.FusedMultiplyAdd(w1, T.Load(r0 + 1), acc);
            acc = Vector256.FusedMultiplyAdd(w2, T.Load(r0 + 2), acc);
            acc = Vector256.FusedMultiplyAdd(w3, T.Load(r1), acc);
            acc = Vector256.FusedMultiplyAdd(w4, T.Load(r1 + 1), acc);
            acc = Vector256.FusedMultiplyAdd(w5, T.Load(r1 + 2), acc);
            acc = Vector256.FusedMultiplyAdd(w6, T.Load(r2), acc);
            acc = Vector256.FusedMultiplyAdd(w7, T.Load(r2 + 1), acc);
            Vector256.FusedMultiplyAdd(w8, T.Load(r2 + 2), acc).Store(output + o);
        }
    }

    /// <summary>Eight outputs of a 3×3 window with all three rows inside the input: nine fmas in window order from +0.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static unsafe Vector256<float> Window3x3(float* row0, float* row1, float* row2, float* w, int column, int stride)
    {
        var r0 = row0 + column;
        var r1 = row1 + column;
        var r2 = row2 + column;
        var acc = Vector256.FusedMultiplyAdd(Vector256.Create(w[0]), Load(r0, stride), Vector256<float>.Zero);
        acc = Vector256.FusedMultiplyAdd(Vector256.Create(w[1]), Load(r0 + 1, stride), acc);
        acc = Vector256.FusedMultiplyAdd(Vector256.Create(w[2]), Load(r0 + 2, stride), acc);
        acc = Vector256.FusedMultiplyAdd(Vector256.Create(w[3]), Load(r1, stride), acc);
        acc = Vector256.FusedMultiplyAdd(Vector256.Create(w[4]), Load(r1 + 1, stride), acc);
        acc = Vector256.FusedMultiplyAdd(Vector256.Create(w[5]), Load(r1 + 2, stride), acc);
        acc = Vector256.FusedMultiplyAdd(Vector256.Create(w[6]), Load(r2, stride), acc);
        acc = Vector256.FusedMultiplyAdd(Vector256.Create(w[7]), Load(r2 + 1, stride), acc);
        return Vector256.FusedMultiplyAdd(Vector256.Create(w[8]), Load(r2 + 2, stride), acc);
    }

    /// <summary>Eight outputs over the window rows inside the input: fmas over (window row, column) ascending from +0.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static unsafe Vector256<float> Window(float** rows, int* rowWeights, int count, float* w, int column, int stride, int kw)
    {
        var acc = Vector256<float>.Zero;
        for (var r = 0; r < count; r++)
        {
            var row = rows[r] + column;
            var wr = w + rowWeights[r];
            for (var e = 0; e < kw; e++)
                acc = Vector256.FusedMultiplyAdd(Vector256.Create(wr[e]), Load(row + e, stride), acc);
        }
        return acc;
    }
}

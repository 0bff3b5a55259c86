using System.Buffers;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using Compression.Evaluation.Execution;
using Compression.Evaluation.Kernels.NeuralNetwork.Linear;
using Compression.Evaluation.Kernels.NeuralNetwork.Spatial;

namespace Compression.Evaluation.Kernels.NeuralNetwork.Convolution;

/// <summary>
/// Ordinary (not depthwise) 1-D and 2-D convolutions whose window slides along zero-padded rows: the GEMM's register
/// tile fed from the input itself instead of an im2col matrix (BlazeFace's 5×5 stride-2 first layer, PaddleOCR's 3×3
/// layers).
/// </summary>
internal static class DirectConvolution
{
    /// <summary>Outputs per filter in one task of <see cref="Run"/> (whole rows): 4 KiB per filter row band.</summary>
    private const int BandOutputs = 1024;

    /// <summary>Whether <see cref="Run"/> serves this geometry (<see cref="WindowGeometry.RunsOnPaddedRows"/>).</summary>
    public static bool Fits(WindowGeometry g) => g.RunsOnPaddedRows;

    /// <summary>
    /// One image and group without im2col: the input is copied once into a zero-padded buffer, and the 6×16 register tile of
    /// <see cref="GemmCore"/> reads its B operand straight from the padded rows (deinterleaved for stride 2). The packed
    /// weights are the GEMM's A panels, so every output is the same chain — fma over (channel, kernel h, w) ascending from
    /// +0, padded taps contributing fma(w, 0, acc) — as the im2col product, bit for bit, without writing and re-reading
    /// the nine-times-larger im2col matrix. Work is split over (filter panel, output row); each row's bias and epilogue
    /// run as soon as it is done.
    /// </summary>
    public static void Run(float[] x, int xOffset, int channels, float[] packedA, int aOffset, int filters, ConvOutputStore post,
        float[] y, int yOffset, WindowGeometry g, Parallelism parallelism)
    {
        const int mr = GemmCore.MR, nr = GemmCore.NR;
        int ih = g.Input[1], iw = g.Input[2], oh = g.Output[1], ow = g.Output[2], kh = g.Kernel[1], kw = g.Kernel[2];
        int sh = g.Stride[1], sw = g.Stride[2], top = g.PadBegin[1], left = g.PadBegin[2];
        var tiles = (ow + nr - 1) / nr;
        // Padded rows wide enough for every vector load of the last tile (two loads of 8, or of 16 for stride 2), a
        // multiple of 16 so a stride-2 row splits into two halves of whole vectors.
        var width = (Math.Max(left + iw, (tiles * nr - 1) * sw + kw) + 16 + 15) / 16 * 16;
        var height = Math.Max(top + ih, (oh - 1) * sh + kh);
        var plane = height * width;
        var padded = ArrayPool<float>.Shared.Rent(channels * plane);
        float[]? phased = null;
        try
        {
            Array.Clear(padded, 0, channels * plane);
            for (var c = 0; c < channels; c++)
                for (var r = 0; r < ih; r++)
                    x.AsSpan(xOffset + (c * ih + r) * iw, iw).CopyTo(padded.AsSpan(c * plane + (top + r) * width + left, iw));
            if (sw == 2)
            {
                // Each row as its even columns then its odd columns: a stride-2 tap becomes one contiguous load instead
                // of two loads and a shuffle per tap and filter panel (the same values reach the same lanes).
                phased = ArrayPool<float>.Shared.Rent(channels * plane);
                Deinterleave(padded, phased, channels * height, width);
            }
            var panels = (filters + mr - 1) / mr;
            var k = channels * kh * kw;
            var positions = oh * ow;
            // Short rows store their bias and epilogue per plane afterwards (the output is then still in L2): per row,
            // the per-call setup would outweigh the work.
            var perRow = !post.IsEmpty && ow >= ConvOutputStore.ShortRow;
            // A task is a band of output rows of one filter panel: each filter's band is contiguous, so its bias and
            // epilogue go in one call while the band is in cache.
            var bandRows = Math.Clamp(BandOutputs / ow, 1, oh);
            var bands = (oh + bandRows - 1) / bandRows;
            parallelism.For(panels * bands, task =>
            {
                var panel = task / bands;
                var h0 = task % bands * bandRows;
                var h1 = Math.Min(oh, h0 + bandRows);
                for (var h = h0; h < h1; h++)
                    Row(phased ?? padded, plane, width, channels, kh, kw, sh * h, sw, packedA, aOffset + panel * mr * k, k, y,
                        yOffset + panel * mr * positions + h * ow, positions, Math.Min(mr, filters - panel * mr), ow);
                if (!perRow) return;
                for (var r = 0; r < mr && panel * mr + r < filters; r++)
                    post.Row(yOffset + (panel * mr + r) * positions + h0 * ow, (h1 - h0) * ow);
            }, (long)mr * bandRows * ow * k);
            if (!perRow) post.Region(yOffset, filters * positions, parallelism);
        }
        finally
        {
            ArrayPool<float>.Shared.Return(padded);
            if (phased is not null) ArrayPool<float>.Shared.Return(phased);
        }
    }

    /// <summary>Rows of <paramref name="width"/> floats (a multiple of 16) into [even columns, odd columns] halves.</summary>
    private static unsafe void Deinterleave(float[] source, float[] target, int rows, int width)
    {
        var half = width / 2;
        fixed (float* sp = source, tp = target)
            for (var r = 0; r < rows; r++)
            {
                var from = sp + (long)r * width;
                var to = tp + (long)r * width;
                for (var t = 0; t < half; t += 8)
                {
                    StridedLoad.Evens(from + 2 * t).Store(to + t);
                    StridedLoad.Odds(from + 2 * t).Store(to + half + t);
                }
            }
    }

    /// <summary>One output row of up to six filters: 16 outputs at a time, all k taps accumulated in registers.</summary>
    private static unsafe void Row(float[] padded, int plane, int width, int channels, int kh, int kw, int firstRow, int sw,
        float[] packedA, int aOffset, int k, float[] y, int yOffset, int ldy, int rows, int ow)
    {
        fixed (float* xp = padded, ap = packedA, yp = y)
        {
            var input = xp + (long)firstRow * width;
            if (sw == 1) Row(new PaddedRows<Contiguous>(input, channels, plane, kh, width, kw), ap + aOffset, yp + yOffset, ldy, rows, ow);
            else Row(new PaddedRows<Deinterleaved>(input, channels, plane, kh, width, kw), ap + aOffset, yp + yOffset, ldy, rows, ow);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static unsafe void Row<TColumns>(PaddedRows<TColumns> rows, float* a, float* y, int ldy, int filters, int ow)
        where TColumns : struct, IColumnOrder
    {
        const int nr = GemmCore.NR;
        for (var j = 0; j < ow; j += nr)
        {
            var cols = Math.Min(nr, ow - j);
            var source = rows.At(j);
            // A whole tile goes straight to the output rows (a copy per row through a local tile would cost a third of
            // the tile's work at K = 75).
            if (cols == nr && filters == GemmCore.MR) GemmCore.Kernel(a, source, y + j, ldy, false);
            else GemmCore.EdgeKernel(a, source, y + j, ldy, filters, cols, false);
        }
    }

    /// <summary>
    /// The padded input rows as the tile's B from output column j: depth step (channel c, kernel row r, column e) is 16
    /// floats of row r of channel c's padded plane, the im2col order of the GEMM path; the column order says where
    /// column e starts.
    /// </summary>
    private readonly unsafe struct PaddedRows<TColumns>(float* first, int channels, int plane, int kh, int width, int kw) : ITileSource
        where TColumns : struct, IColumnOrder
    {
        public int Outer => channels;

        public int Middle => kh;

        public int Inner => kw;

        public PaddedRows<TColumns> At(int column) => new(first + column, channels, plane, kh, width, kw);

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public float* Row(int outer, int middle) => first + (long)outer * plane + (long)middle * width;

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public float* Next(float* row, float* at, int inner) => TColumns.Next(row, at, inner, width);
    }

    /// <summary>Where window column inner + 1 starts in a padded row, given where column inner starts.</summary>
    private interface IColumnOrder
    {
        static abstract unsafe float* Next(float* row, float* at, int inner, int width);
    }

    /// <summary>Stride 1: the next column is the next float.</summary>
    private readonly struct Contiguous : IColumnOrder
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static unsafe float* Next(float* row, float* at, int inner, int width) => at + 1;
    }

    /// <summary>
    /// Stride 2 over rows deinterleaved into [even columns, odd columns] halves: column 2(j + l) + e is (e mod 2)'s
    /// half at j + l + e / 2, so each tap is one contiguous load.
    /// </summary>
    private readonly struct Deinterleaved : IColumnOrder
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static unsafe float* Next(float* row, float* at, int inner, int width) => row + ((inner + 1) & 1) * (width >> 1) + ((inner + 1) >> 1);
    }
}

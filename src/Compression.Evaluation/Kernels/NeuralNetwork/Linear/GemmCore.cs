using System.Buffers;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using Compression.Evaluation.Execution;

namespace Compression.Evaluation.Kernels.NeuralNetwork.Linear;

/// <summary>
/// The single-precision matrix product C = A·B shared by Conv, ConvTranspose, Gemm and MatMul: cache-blocked over
/// packed operands with a 6×16 register tile of Vector256 fused multiply-adds.
/// <para>
/// Determinism: every element C[i, j] is the chain acc = fma(A[i, k], B[k, j], acc) for k = 0, 1, …, K−1 starting from
/// acc = +0, each step rounded once to float. K-blocking only stores the float accumulator to C and reloads it, which
/// changes nothing; tiles and threads only decide which element is computed where. Vector256.FusedMultiplyAdd rounds
/// once per lane whether or not the hardware accelerates it, so the bits do not depend on the CPU or thread count.
/// </para>
/// <para>
/// Packed layouts: A is cut into panels of <see cref="MR"/> rows, panel p holding A[p·MR + r, k] at p·MR·K + k·MR + r;
/// B into panels of <see cref="NR"/> columns, panel q holding B[k, q·NR + c] at q·NR·K + k·NR + c. Rows and columns past
/// the matrix are zero, so edge tiles run the same micro-kernel and only their valid part is written.
/// </para>
/// </summary>
internal static class GemmCore
{
    public const int MR = 6;
    public const int NR = 16;

    /// <summary>Depth of a K block: a 16-column B slice of this depth (16 KiB) stays in L1 while A panels stream by.</summary>
    private const int KC = 256;

    /// <summary>Rows of one task (a multiple of MR); an A block of MC × KC (96 KiB) stays in L2.</summary>
    private const int MC = 96;

    /// <summary>Columns of one task (a multiple of NR).</summary>
    private const int NC = 256;

    public static int PackedASize(int m, int k) => (m + MR - 1) / MR * MR * k;

    public static int PackedBSize(int k, int n) => (n + NR - 1) / NR * NR * k;

    /// <summary>Packs A[i, k] = source[offset + i·rowStride + k·colStride] (a transposed A is colStride = lda, rowStride = 1).</summary>
    public static void PackA(ReadOnlySpan<float> source, int offset, int rowStride, int colStride, int m, int k, Span<float> packed)
    {
        var panels = (m + MR - 1) / MR;
        for (var p = 0; p < panels; p++)
        {
            var dst = packed.Slice(p * MR * k, MR * k);
            var rows = Math.Min(MR, m - p * MR);
            for (var r = 0; r < MR; r++)
            {
                if (r >= rows)
                {
                    for (var kk = 0; kk < k; kk++) dst[kk * MR + r] = 0f;
                    continue;
                }
                var src = offset + (p * MR + r) * rowStride;
                for (var kk = 0; kk < k; kk++) dst[kk * MR + r] = source[src + kk * colStride];
            }
        }
    }

    /// <summary>Packs B[k, j] = source[offset + k·rowStride + j·colStride].</summary>
    public static void PackB(ReadOnlySpan<float> source, int offset, int rowStride, int colStride, int k, int n, Span<float> packed)
    {
        var panels = (n + NR - 1) / NR;
        for (var q = 0; q < panels; q++)
        {
            var dst = packed.Slice(q * NR * k, NR * k);
            var cols = Math.Min(NR, n - q * NR);
            for (var kk = 0; kk < k; kk++)
            {
                var row = dst.Slice(kk * NR, NR);
                var src = offset + kk * rowStride + q * NR * colStride;
                if (colStride == 1 && cols == NR)
                {
                    source.Slice(src, NR).CopyTo(row);
                    continue;
                }
                for (var c = 0; c < cols; c++) row[c] = source[src + c * colStride];
                row[cols..].Clear();
            }
        }
    }

    /// <summary>Packs B in parallel over column panels (for large operands, such as a batch's right-hand matrix).</summary>
    public static void PackB(float[] source, int offset, int rowStride, int colStride, int k, int n, float[] packed, Parallelism parallelism)
    {
        var panels = (n + NR - 1) / NR;
        parallelism.For(panels, q =>
        {
            var cols = Math.Min(NR, n - q * NR);
            PackB(source.AsSpan(), offset + q * NR * colStride, rowStride, colStride, k, cols, packed.AsSpan(q * NR * k, NR * k));
        }, (long)k * NR);
    }

    /// <summary>
    /// C[i, j] (at c[cOffset + i·ldc + j]) = Σ_k A[i, k]·B[k, j] over packed operands; C is overwritten. When given,
    /// <paramref name="rowDone"/>(i, j0, j1) is called once C[i, j0..j1) is final, while that block is still in cache
    /// (Conv adds its bias and fused activations there).
    /// </summary>
    public static void Multiply(float[] packedA, int aOffset, float[] packedB, int m, int n, int k, float[] c, int cOffset, int ldc, Parallelism parallelism,
        Action<int, int, int>? rowDone = null)
    {
        if (m == 0 || n == 0) return;
        if (k == 0)
        {
            for (var i = 0; i < m; i++)
            {
                c.AsSpan(cOffset + i * ldc, n).Clear();
                rowDone?.Invoke(i, 0, n);
            }
            return;
        }
        var rowBlocks = (m + MC - 1) / MC;
        var colBlocks = (n + NC - 1) / NC;
        parallelism.For(rowBlocks * colBlocks, task =>
        {
            var rb = task / colBlocks;
            var cb = task % colBlocks;
            int rowStart = rb * MC, rowEnd = Math.Min(m, rb * MC + MC), colStart = cb * NC, colEnd = Math.Min(n, cb * NC + NC);
            Block(packedA, aOffset, packedB, m, n, k, c, cOffset, ldc, rowStart, rowEnd, colStart, colEnd);
            if (rowDone is not null)
                for (var i = rowStart; i < rowEnd; i++) rowDone(i, colStart, colEnd);
        }, (long)MC * NC * k);
    }

    /// <summary>
    /// C = A·B with A packed and B row-major in place (B[k, j] = b[bOffset + k·ldb + j]), packing B one K×NC block at a
    /// time just before it is used, so the packed copy stays in cache instead of making a round trip through memory
    /// (a 1×1 convolution's input is B: its whole packed copy would be as large as the activation). Tasks are column
    /// blocks, each running every row; the tiles, the K blocks and so every element's fma chain are those of
    /// <see cref="Multiply(float[], int, float[], int, int, int, float[], int, int, Parallelism, Action{int, int, int}?)"/>.
    /// </summary>
    public static void MultiplyPackingB(float[] packedA, int aOffset, float[] b, int bOffset, int ldb, int m, int n, int k, float[] c, int cOffset,
        int ldc, Parallelism parallelism, Action<int, int, int>? rowDone = null)
    {
        if (m == 0 || n == 0) return;
        if (k == 0)
        {
            Multiply(packedA, aOffset, b, m, n, k, c, cOffset, ldc, parallelism, rowDone);
            return;
        }
        if (k <= InPlaceK || (k <= KC * 2 && (long)k * ldb <= InPlaceFloats))
        {
            MultiplyInPlaceB(packedA, aOffset, b, bOffset, ldb, m, n, k, c, cOffset, ldc, parallelism, rowDone);
            return;
        }
        var colBlocks = (n + NC - 1) / NC;
        // One column block (few positions, many filters): split the rows instead, each task packing its own small B.
        var rowBlocks = colBlocks == 1 ? (m + MC - 1) / MC : 1;
        var rowsPerTask = rowBlocks == 1 ? m : MC;
        parallelism.For(colBlocks * rowBlocks, task =>
        {
            var cb = task / rowBlocks;
            int colStart = cb * NC, colEnd = Math.Min(n, cb * NC + NC);
            int rowStart = task % rowBlocks * rowsPerTask, rowEnd = Math.Min(m, rowStart + rowsPerTask);
            var scratch = ArrayPool<float>.Shared.Rent(NC * KC);
            try
            {
                for (var k0 = 0; k0 < k; k0 += KC)
                {
                    var kc = Math.Min(KC, k - k0);
                    PackB(b, bOffset + k0 * ldb + colStart, ldb, 1, kc, colEnd - colStart, scratch);
                    PackedBlock(packedA, aOffset, scratch, k, k0, kc, c, cOffset, ldc, rowStart, rowEnd, colStart, colEnd);
                }
            }
            finally
            {
                ArrayPool<float>.Shared.Return(scratch);
            }
            if (rowDone is not null)
                for (var i = rowStart; i < rowEnd; i++) rowDone(i, colStart, colEnd);
        }, (long)rowsPerTask * NC * k);
    }

    /// <summary>
    /// Depth up to which <see cref="MultiplyPackingB"/> reads whole B tiles where they are: a tile's K rows of 16 floats
    /// (at most 8 KiB) stay in L1 across the row panels, and packing them would cost a third of the product at K = 24.
    /// </summary>
    private const int InPlaceK = 128;

    /// <summary>
    /// Or, up to depth 2·KC, when all of B (K rows of ldb floats) is at most this many floats (256 KiB, in L2): a small
    /// 1×1 convolution (384 channels × 30 positions) then reads B where it is instead of packing it once per row block.
    /// </summary>
    private const int InPlaceFloats = 1 << 16;

    /// <summary>
    /// <see cref="MultiplyPackingB"/> over the whole depth at once: whole 16-column tiles of B are read in place (row stride ldb),
    /// only a last partial tile is packed. Same tiles, same fma chain over k from +0, so the same bits. Tasks are column
    /// blocks (or row blocks when there is one), as there.
    /// </summary>
    private static unsafe void MultiplyInPlaceB(float[] packedA, int aOffset, float[] b, int bOffset, int ldb, int m, int n, int k, float[] c,
        int cOffset, int ldc, Parallelism parallelism, Action<int, int, int>? rowDone)
    {
        var colBlocks = (n + NC - 1) / NC;
        var rowBlocks = colBlocks == 1 ? (m + MC - 1) / MC : 1;
        var rowsPerTask = rowBlocks == 1 ? m : MC;
        parallelism.For(colBlocks * rowBlocks, task =>
        {
            var cb = task / rowBlocks;
            int colStart = cb * NC, colEnd = Math.Min(n, cb * NC + NC);
            int rowStart = task % rowBlocks * rowsPerTask, rowEnd = Math.Min(m, rowStart + rowsPerTask);
            var edge = (colEnd - colStart) % NR != 0 ? ArrayPool<float>.Shared.Rent(NR * k) : null;
            try
            {
                fixed (float* pa = packedA, pb = b, pc = c, pe = edge)
                {
                    for (var j = colStart; j < colEnd; j += NR)
                    {
                        var cols = Math.Min(NR, colEnd - j);
                        float* tile;
                        int stride;
                        if (cols == NR)
                        {
                            tile = pb + bOffset + j;
                            stride = ldb;
                        }
                        else
                        {
                            // The last partial tile: packed with zero columns, so no load reads past the matrix.
                            PackB(b, bOffset + j, ldb, 1, k, cols, edge.AsSpan(0, NR * k));
                            tile = pe;
                            stride = NR;
                        }
                        for (var i = rowStart; i < rowEnd; i += MR)
                        {
                            var a = pa + aOffset + (long)(i / MR) * MR * k;
                            var rows = Math.Min(MR, rowEnd - i);
                            var dst = pc + cOffset + (long)i * ldc + j;
                            if (rows == MR && cols == NR)
                                Kernel(a, new PanelRows(tile, stride, k), dst, ldc, false);
                            else
                                EdgeKernel(a, new PanelRows(tile, stride, k), dst, ldc, rows, cols, false);
                        }
                    }
                }
            }
            finally
            {
                if (edge is not null) ArrayPool<float>.Shared.Return(edge);
            }
            if (rowDone is not null)
                for (var i = rowStart; i < rowEnd; i++) rowDone(i, colStart, colEnd);
        }, (long)rowsPerTask * NC * k);
    }

    /// <summary>Rows [rowStart, rowEnd) (a multiple of MR from 0) × columns [colStart, colEnd) for K block k0 (depth kc), B's block packed from column colStart.</summary>
    private static unsafe void PackedBlock(float[] packedA, int aOffset, float[] packedB, int k, int k0, int kc, float[] c, int cOffset, int ldc,
        int rowStart, int rowEnd, int colStart, int colEnd)
    {
        fixed (float* pa = packedA, pb = packedB, pc = c)
        {
            var accumulate = k0 > 0;
            for (var j = colStart; j < colEnd; j += NR)
            {
                var bp = pb + (long)(j - colStart) * kc;
                var cols = Math.Min(NR, colEnd - j);
                for (var i = rowStart; i < rowEnd; i += MR)
                {
                    var a = pa + aOffset + (long)(i / MR) * MR * k + (long)k0 * MR;
                    var rows = Math.Min(MR, rowEnd - i);
                    var dst = pc + cOffset + (long)i * ldc + j;
                    if (rows == MR && cols == NR)
                        Kernel(a, new PanelRows(bp, NR, kc), dst, ldc, accumulate);
                    else
                        EdgeKernel(a, new PanelRows(bp, NR, kc), dst, ldc, rows, cols, accumulate);
                }
            }
        }
    }

    /// <summary>A convenience for callers with plain row-major operands: packs both into pooled scratch, then multiplies.</summary>
    public static void Multiply(float[] a, int aOffset, int aRowStride, int aColStride, float[] b, int bOffset, int bRowStride, int bColStride,
        int m, int n, int k, float[] c, int cOffset, int ldc, Parallelism parallelism)
    {
        var pa = ArrayPool<float>.Shared.Rent(Math.Max(1, PackedASize(m, k)));
        var pb = ArrayPool<float>.Shared.Rent(Math.Max(1, PackedBSize(k, n)));
        try
        {
            PackA(a, aOffset, aRowStride, aColStride, m, k, pa);
            PackB(b, bOffset, bRowStride, bColStride, k, n, pb, parallelism);
            Multiply(pa, 0, pb, m, n, k, c, cOffset, ldc, parallelism);
        }
        finally
        {
            ArrayPool<float>.Shared.Return(pa);
            ArrayPool<float>.Shared.Return(pb);
        }
    }

    private static unsafe void Block(float[] packedA, int aOffset, float[] packedB, int m, int n, int k, float[] c, int cOffset, int ldc,
        int rowStart, int rowEnd, int colStart, int colEnd)
    {
        fixed (float* pa = packedA, pb = packedB, pc = c)
        {
            for (var k0 = 0; k0 < k; k0 += KC)
            {
                var kc = Math.Min(KC, k - k0);
                var accumulate = k0 > 0;
                for (var j = colStart; j < colEnd; j += NR)
                {
                    var b = pb + (long)(j / NR) * NR * k + (long)k0 * NR;
                    var cols = Math.Min(NR, colEnd - j);
                    for (var i = rowStart; i < rowEnd; i += MR)
                    {
                        var a = pa + aOffset + (long)(i / MR) * MR * k + (long)k0 * MR;
                        var rows = Math.Min(MR, rowEnd - i);
                        var dst = pc + cOffset + (long)i * ldc + j;
                        if (rows == MR && cols == NR)
                            Kernel(a, new PanelRows(b, NR, kc), dst, ldc, accumulate);
                        else
                            EdgeKernel(a, new PanelRows(b, NR, kc), dst, ldc, rows, cols, accumulate);
                    }
                }
            }
        }
    }

    /// <summary>The edge tile: computed whole in a local tile, only the valid rows and columns copied in and out.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static unsafe void EdgeKernel<TSource>(float* a, TSource b, float* c, long ldc, int rows, int cols, bool accumulate)
        where TSource : struct, ITileSource
    {
        var tile = stackalloc float[MR * NR];
        if (accumulate)
            for (var r = 0; r < rows; r++)
                for (var q = 0; q < cols; q++)
                    tile[r * NR + q] = c[r * ldc + q];
        Kernel(a, b, tile, NR, accumulate);
        for (var r = 0; r < rows; r++)
            for (var q = 0; q < cols; q++)
                c[r * ldc + q] = tile[r * NR + q];
    }

    /// <summary>
    /// The 6×16 register tile: C[0..6, 0..16) (at c, row stride ldc) = (accumulate ? C : 0) + Σ A[r, kk]·B[kk, ·] for kk
    /// in the order <paramref name="b"/> visits its rows, one fma per element and step. A is one packed panel (MR
    /// values per kk). The twelve sums stay in registers across the whole depth; the source is a struct type argument
    /// so the JIT specialises and inlines its addressing (the GEMM's packed panel, the direct convolution's padded
    /// input rows) into the loop.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining | MethodImplOptions.AggressiveOptimization)]
    public static unsafe void Kernel<TSource>(float* a, TSource b, float* c, long ldc, bool accumulate) where TSource : struct, ITileSource
    {
        Vector256<float> c00, c01, c10, c11, c20, c21, c30, c31, c40, c41, c50, c51;
        if (accumulate)
        {
            c00 = Vector256.Load(c); c01 = Vector256.Load(c + 8);
            c10 = Vector256.Load(c + ldc); c11 = Vector256.Load(c + ldc + 8);
            c20 = Vector256.Load(c + 2 * ldc); c21 = Vector256.Load(c + 2 * ldc + 8);
            c30 = Vector256.Load(c + 3 * ldc); c31 = Vector256.Load(c + 3 * ldc + 8);
            c40 = Vector256.Load(c + 4 * ldc); c41 = Vector256.Load(c + 4 * ldc + 8);
            c50 = Vector256.Load(c + 5 * ldc); c51 = Vector256.Load(c + 5 * ldc + 8);
        }
        else
        {
            c00 = c01 = c10 = c11 = c20 = c21 = c30 = c31 = c40 = c41 = c50 = c51 = Vector256<float>.Zero;
        }
        int outer = b.Outer, middle = b.Middle, inner = b.Inner;
        for (var o = 0; o < outer; o++)
            for (var m = 0; m < middle; m++)
            {
                var row = b.Row(o, m);
                var at = row;
                for (var t = 0; t < inner; t++)
                {
                    var b0 = Vector256.Load(at);
                    var b1 = Vector256.Load(at + 8);
                    var a0 = Vector256.Create(a[0]);
                    c00 = Vector256.FusedMultiplyAdd(a0, b0, c00);
                    c01 = Vector256.FusedMultiplyAdd(a0, b1, c01);
                    var a1 = Vector256.Create(a[1]);
                    c10 = Vector256.FusedMultiplyAdd(a1, b0, c10);
                    c11 = Vector256.FusedMultiplyAdd(a1, b1, c11);
                    var a2 = Vector256.Create(a[2]);
                    c20 = Vector256.FusedMultiplyAdd(a2, b0, c20);
                    c21 = Vector256.FusedMultiplyAdd(a2, b1, c21);
                    var a3 = Vector256.Create(a[3]);
                    c30 = Vector256.FusedMultiplyAdd(a3, b0, c30);
                    c31 = Vector256.FusedMultiplyAdd(a3, b1, c31);
                    var a4 = Vector256.Create(a[4]);
                    c40 = Vector256.FusedMultiplyAdd(a4, b0, c40);
                    c41 = Vector256.FusedMultiplyAdd(a4, b1, c41);
                    var a5 = Vector256.Create(a[5]);
                    c50 = Vector256.FusedMultiplyAdd(a5, b0, c50);
                    c51 = Vector256.FusedMultiplyAdd(a5, b1, c51);
                    a += MR;
                    at = b.Next(row, at, t);
                }
            }
        c00.Store(c); c01.Store(c + 8);
        c10.Store(c + ldc); c11.Store(c + ldc + 8);
        c20.Store(c + 2 * ldc); c21.Store(c + 2 * ldc + 8);
        c30.Store(c + 3 * ldc); c31.Store(c + 3 * ldc + 8);
        c40.Store(c + 4 * ldc); c41.Store(c + 4 * ldc + 8);
        c50.Store(c + 5 * ldc); c51.Store(c + 5 * ldc + 8);
    }
}

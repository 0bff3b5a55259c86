using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using Compression.Evaluation.Execution;

namespace Compression.Evaluation.Kernels.Elementwise;

/// <summary>
/// The broadcasting loops. The output is cut into pieces of whole runs (or, for a single long run, into ranges of it);
/// each output element is computed by the same single call whichever thread takes its piece, so the result does not
/// depend on the thread count. Inner loops are specialised for the step patterns (1/1, 1/0, 0/1) over spans, so the JIT
/// drops the bounds checks.
/// </summary>
internal static class BinaryLoop
{
    private const int PieceElements = 16384;

    public static void Run<TA, TB, TR, TOp>(TA[] a, int[] shapeA, TB[] b, int[] shapeB, TR[] r, int[] shapeR,
        Parallelism parallelism) where TOp : struct, IBinaryFunction<TA, TB, TR>
    {
        var plan = BroadcastPlan.Create(shapeR, shapeA, shapeB);
        if (plan.Count == 0) return;
        var inner = plan.Inner;
        var runs = plan.Runs;
        var sa = plan.Strides[0][^1];
        var sb = plan.Strides[1][^1];
        if (runs == 1)
        {
            // One long run (equal shapes, or one side a scalar): split it into ranges.
            var pieces = Math.Max(1, Math.Min(parallelism.Threads * 4, plan.Count / PieceElements));
            if (pieces == 1)
            {
                Inner<TA, TB, TR, TOp>(a, 0, sa, b, 0, sb, r, 0, inner);
                return;
            }
            parallelism.For(pieces, p =>
            {
                var start = (int)((long)inner * p / pieces);
                var end = (int)((long)inner * (p + 1) / pieces);
                Inner<TA, TB, TR, TOp>(a, start * sa, sa, b, start * sb, sb, r, start, end - start);
            }, inner / pieces);
            return;
        }
        var runPieces = Math.Max(1, Math.Min(Math.Min(parallelism.Threads * 4, runs), plan.Count / PieceElements));
        if (runPieces == 1)
        {
            Runs<TA, TB, TR, TOp>(plan, a, b, r, 0, runs);
            return;
        }
        parallelism.For(runPieces, p =>
        {
            var start = (int)((long)runs * p / runPieces);
            var end = (int)((long)runs * (p + 1) / runPieces);
            Runs<TA, TB, TR, TOp>(plan, a, b, r, start, end);
        }, (long)inner * runs / runPieces);
    }

    private static void Runs<TA, TB, TR, TOp>(BroadcastPlan plan, TA[] a, TB[] b, TR[] r, int first, int end)
        where TOp : struct, IBinaryFunction<TA, TB, TR>
    {
        Span<int> index = stackalloc int[plan.Dims.Length];
        Span<int> offsets = stackalloc int[2];
        plan.Offsets(first, index, offsets);
        var inner = plan.Inner;
        var sa = plan.Strides[0][^1];
        var sb = plan.Strides[1][^1];
        for (var run = first; run < end; run++)
        {
            Inner<TA, TB, TR, TOp>(a, offsets[0], sa, b, offsets[1], sb, r, run * inner, inner);
            plan.Advance(index, offsets);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Inner<TA, TB, TR, TOp>(TA[] a, int ia, int sa, TB[] b, int ib, int sb, TR[] r, int ir, int n)
        where TOp : struct, IBinaryFunction<TA, TB, TR>
    {
        var done = TOp.VectorizesFloat
            ? VectorPrefix<TA, TB, TR, TOp>(Unsafe.As<float[]>(a), ia, sa, Unsafe.As<float[]>(b), ib, sb, Unsafe.As<float[]>(r), ir, n)
            : 0;
        var output = new Span<TR>(r, ir, n);
        if (sa == 1 && sb == 1)
        {
            var x = new ReadOnlySpan<TA>(a, ia, n);
            var y = new ReadOnlySpan<TB>(b, ib, n);
            for (var i = done; i < output.Length; i++) output[i] = TOp.Apply(x[i], y[i]);
        }
        else if (sa == 1)
        {
            var x = new ReadOnlySpan<TA>(a, ia, n);
            var y = b[ib];
            for (var i = done; i < output.Length; i++) output[i] = TOp.Apply(x[i], y);
        }
        else if (sb == 1)
        {
            var x = a[ia];
            var y = new ReadOnlySpan<TB>(b, ib, n);
            for (var i = done; i < output.Length; i++) output[i] = TOp.Apply(x, y[i]);
        }
        else
        {
            // Both broadcast along the run (only for a one-element output): one value, repeated.
            output.Fill(TOp.Apply(a[ia], b[ib]));
        }
    }

    /// <summary>
    /// The float vector part of <see cref="Inner"/>: elements [0, returned) eight per Vector256 operation; the caller's
    /// scalar loop does the rest. Each lane is the same single IEEE operation as the scalar loop, so where the split falls
    /// changes no bits.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static int VectorPrefix<TA, TB, TR, TOp>(float[] a, int ia, int sa, float[] b, int ib, int sb, float[] r, int ir, int n)
        where TOp : struct, IBinaryFunction<TA, TB, TR>
    {
        var output = new Span<float>(r, ir, n);
        var i = 0;
        if (sa == 1 && sb == 1)
        {
            var x = new ReadOnlySpan<float>(a, ia, n);
            var y = new ReadOnlySpan<float>(b, ib, n);
            for (; i + 8 <= n; i += 8)
                TOp.Apply(Vector256.Create<float>(x.Slice(i, 8)), Vector256.Create<float>(y.Slice(i, 8))).CopyTo(output.Slice(i, 8));
        }
        else if (sa == 1)
        {
            var x = new ReadOnlySpan<float>(a, ia, n);
            var yv = Vector256.Create(b[ib]);
            for (; i + 8 <= n; i += 8) TOp.Apply(Vector256.Create<float>(x.Slice(i, 8)), yv).CopyTo(output.Slice(i, 8));
        }
        else if (sb == 1)
        {
            var xv = Vector256.Create(a[ia]);
            var y = new ReadOnlySpan<float>(b, ib, n);
            for (; i + 8 <= n; i += 8) TOp.Apply(xv, Vector256.Create<float>(y.Slice(i, 8))).CopyTo(output.Slice(i, 8));
        }
        return i;
    }

    /// <summary>Where-style ternary selection with three-way broadcasting.</summary>
    public static void Select<T>(bool[] condition, int[] shapeC, T[] x, int[] shapeX, T[] y, int[] shapeY, T[] r,
        int[] shapeR)
    {
        var plan = BroadcastPlan.Create(shapeR, shapeC, shapeX, shapeY);
        if (plan.Count == 0) return;
        Span<int> index = stackalloc int[plan.Dims.Length];
        Span<int> offsets = stackalloc int[3];
        var inner = plan.Inner;
        int sc = plan.Strides[0][^1], sx = plan.Strides[1][^1], sy = plan.Strides[2][^1];
        for (var run = 0; run < plan.Runs; run++)
        {
            int ic = offsets[0], ix = offsets[1], iy = offsets[2];
            var output = new Span<T>(r, run * inner, inner);
            if (sc == 1 && sx == 1 && sy == 1)
            {
                var c = new ReadOnlySpan<bool>(condition, ic, inner);
                var xs = new ReadOnlySpan<T>(x, ix, inner);
                var ys = new ReadOnlySpan<T>(y, iy, inner);
                for (var i = 0; i < output.Length; i++) output[i] = c[i] ? xs[i] : ys[i];
            }
            else
            {
                for (var i = 0; i < output.Length; i++, ic += sc, ix += sx, iy += sy)
                    output[i] = condition[ic] ? x[ix] : y[iy];
            }
            plan.Advance(index, offsets);
        }
    }
}

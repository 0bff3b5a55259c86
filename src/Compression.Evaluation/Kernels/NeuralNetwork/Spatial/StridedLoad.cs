using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace Compression.Evaluation.Kernels.NeuralNetwork.Spatial;

/// <summary>
/// Eight floats source[start + i·stride] (i = 0..7) as one vector, for window kernels that vectorize along an output
/// row. Only moves data (no arithmetic), so it cannot change any result; stride 2 deinterleaves two contiguous loads.
/// </summary>
internal static class StridedLoad
{
    /// <summary>How many floats from <c>start</c> a load reads (the caller keeps them inside the span).</summary>
    public static int Reach(int stride) => stride == 2 ? 16 : 7 * stride + 1;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> Load(ReadOnlySpan<float> source, int start, int stride)
    {
        if (stride == 1) return Vector256.Create<float>(source.Slice(start, 8));
        if (stride == 2)
        {
            var evens = Vector256.Create(0, 2, 4, 6, 0, 2, 4, 6);
            var lo = Vector256.Shuffle(Vector256.Create<float>(source.Slice(start, 8)), evens);
            var hi = Vector256.Shuffle(Vector256.Create<float>(source.Slice(start + 8, 8)), evens);
            return Vector256.Create(lo.GetLower(), hi.GetLower());
        }
        var s = source.Slice(start, 7 * stride + 1);
        return Vector256.Create(s[0], s[stride], s[2 * stride], s[3 * stride], s[4 * stride], s[5 * stride], s[6 * stride], s[7 * stride]);
    }

    /// <summary>p[0], p[2], …, p[14]: two loads deinterleaved.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static unsafe Vector256<float> Evens(float* p)
    {
        var evens = Vector256.Create(0, 2, 4, 6, 0, 2, 4, 6);
        return Vector256.Create(Vector256.Shuffle(Vector256.Load(p), evens).GetLower(), Vector256.Shuffle(Vector256.Load(p + 8), evens).GetLower());
    }

    /// <summary>p[1], p[3], …, p[15]: two loads deinterleaved.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static unsafe Vector256<float> Odds(float* p)
    {
        var odds = Vector256.Create(1, 3, 5, 7, 1, 3, 5, 7);
        return Vector256.Create(Vector256.Shuffle(Vector256.Load(p), odds).GetLower(), Vector256.Shuffle(Vector256.Load(p + 8), odds).GetLower());
    }
}

using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace Compression.Evaluation.Kernels.Elementwise;

/// <summary>
/// One float element of <see cref="Clip"/>: raised to lo, then lowered to hi (so lo &gt; hi gives hi, and NaN, failing
/// both comparisons, passes through). An absent bound is an infinity, which no comparison crosses.
/// </summary>
internal struct ClipOperation : IActivationVector
{
    public static float Apply(float v, float lo, float hi)
    {
        v = v < lo ? lo : v;
        return v > hi ? hi : v;
    }

    /// <summary><see cref="Apply(float, float, float)"/> on eight lanes: the same two comparisons in the same order.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> Apply(Vector256<float> v, Vector256<float> lo, Vector256<float> hi)
    {
        v = Vector256.ConditionalSelect(Vector256.LessThan(v, lo), lo, v);
        return Vector256.ConditionalSelect(Vector256.GreaterThan(v, hi), hi, v);
    }
}

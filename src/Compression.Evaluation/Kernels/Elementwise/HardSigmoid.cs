using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace Compression.Evaluation.Kernels.Elementwise;

/// <summary>HardSigmoid: max(0, min(1, alpha·x + beta)) in float, as ONNX Runtime computes it; NaN passes through.</summary>
internal struct HardSigmoidOperation : IUnaryOperation, IActivationVector
{
    public static float Apply(float x, UnaryParameters p) => Clamp01(p.Alpha * x + p.Beta);

    public static double Apply(double x, UnaryParameters p) => Clamp01((double)p.Alpha * x + p.Beta);

    public static bool VectorizesFloat => true;

    public static Vector256<float> Apply(Vector256<float> x, UnaryParameters p) => Apply(x, Vector256.Create(p.Alpha), Vector256.Create(p.Beta));

    /// <summary>alpha·x + beta as a multiply and an add (two roundings, as the scalar form), then <see cref="Clamp01(Vector256{float})"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> Apply(Vector256<float> x, Vector256<float> alpha, Vector256<float> beta) => Clamp01(alpha * x + beta);

    /// <summary><see cref="Clamp01(float)"/> on eight lanes: the same two comparisons in the same order.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static Vector256<float> Clamp01(Vector256<float> v)
    {
        v = Vector256.ConditionalSelect(Vector256.GreaterThan(v, Vector256<float>.One), Vector256<float>.One, v);
        return Vector256.ConditionalSelect(Vector256.LessThan(v, Vector256<float>.Zero), Vector256<float>.Zero, v);
    }

    /// <summary>min(1, …) then max(0, …), the order ONNX Runtime uses; NaN fails both tests and passes through.</summary>
    internal static float Clamp01(float v)
    {
        v = v > 1f ? 1f : v;
        return v < 0f ? 0f : v;
    }

    internal static double Clamp01(double v)
    {
        v = v > 1.0 ? 1.0 : v;
        return v < 0.0 ? 0.0 : v;
    }
}

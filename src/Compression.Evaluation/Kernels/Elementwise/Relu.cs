using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace Compression.Evaluation.Kernels.Elementwise;

/// <summary>Relu: max(x, 0); NaN passes through.</summary>
internal struct ReluOperation : IUnaryOperation, IActivationVector
{
    public static float Apply(float x, UnaryParameters p) => x < 0 ? 0f : x;

    public static double Apply(double x, UnaryParameters p) => x < 0 ? 0.0 : x;

    public static bool VectorizesFloat => true;

    public static Vector256<float> Apply(Vector256<float> x, UnaryParameters p) => Apply(x, default, default);

    /// <summary>x &lt; 0 ? 0 : x on eight lanes; Relu has no parameters, so both are ignored.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> Apply(Vector256<float> x, Vector256<float> p, Vector256<float> q) =>
        Vector256.ConditionalSelect(Vector256.LessThan(x, Vector256<float>.Zero), Vector256<float>.Zero, x);

    public static bool SupportsIntegers => true;

    public static T ApplyInteger<T>(T x) where T : INumber<T> => x < T.Zero ? T.Zero : x;
}

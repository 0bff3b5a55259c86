using System.Numerics;
using System.Runtime.Intrinsics;

namespace Compression.Evaluation.Kernels.Elementwise;

/// <summary>Neg: −x (integers wrap).</summary>
internal struct NegOperation : IUnaryOperation
{
    public static float Apply(float x, UnaryParameters p) => -x;

    public static double Apply(double x, UnaryParameters p) => -x;

    public static bool VectorizesFloat => true;

    public static Vector256<float> Apply(Vector256<float> x, UnaryParameters p) => -x;

    public static bool SupportsIntegers => true;

    public static T ApplyInteger<T>(T x) where T : INumber<T> => -x;
}

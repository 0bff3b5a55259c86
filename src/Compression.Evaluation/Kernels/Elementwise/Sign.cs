using System.Numerics;

namespace Compression.Evaluation.Kernels.Elementwise;

/// <summary>Sign: −1, 0 or 1 by the sign of x; NaN stays NaN as in NumPy.</summary>
internal struct SignOperation : IUnaryOperation
{
    public static float Apply(float x, UnaryParameters p) => x > 0 ? 1f : x < 0 ? -1f : x == 0 ? 0f : x;

    public static double Apply(double x, UnaryParameters p) => x > 0 ? 1.0 : x < 0 ? -1.0 : x == 0 ? 0.0 : x;

    public static bool SupportsIntegers => true;

    public static T ApplyInteger<T>(T x) where T : INumber<T> => x > T.Zero ? T.One : x < T.Zero ? -T.One : T.Zero;
}

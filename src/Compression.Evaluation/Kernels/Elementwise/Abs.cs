using System.Numerics;

namespace Compression.Evaluation.Kernels.Elementwise;

/// <summary>Abs: |x| (the most negative integer wraps to itself, as in C).</summary>
internal struct AbsOperation : IUnaryOperation
{
    public static float Apply(float x, UnaryParameters p) => Math.Abs(x);

    public static double Apply(double x, UnaryParameters p) => Math.Abs(x);

    public static bool SupportsIntegers => true;

    public static T ApplyInteger<T>(T x) where T : INumber<T> => x < T.Zero ? -x : x;
}

using System.Numerics;

namespace Compression.Evaluation.Kernels.Elementwise;

/// <summary>Relu: max(x, 0); NaN passes through.</summary>
internal struct ReluOperation : IUnaryOperation
{
    public static float Apply(float x, UnaryParameters p) => x < 0 ? 0f : x;

    public static double Apply(double x, UnaryParameters p) => x < 0 ? 0.0 : x;

    public static bool SupportsIntegers => true;

    public static T ApplyInteger<T>(T x) where T : INumber<T> => x < T.Zero ? T.Zero : x;
}

using Compression.Evaluation.Numerics;

namespace Compression.Evaluation.Kernels.Elementwise;

/// <summary>Softplus: log(1 + e^x), computed as x + log1p(e^−x) for x > 0 so it neither overflows nor loses tiny results.</summary>
internal struct SoftplusOperation : IUnaryOperation
{
    public static float Apply(float x, UnaryParameters p) => (float)Apply((double)x, p);

    public static double Apply(double x, UnaryParameters p) => x > 0 ? x + DeterministicMath.Log1p(DeterministicMath.Exp(-x)) : DeterministicMath.Log1p(DeterministicMath.Exp(x));
}

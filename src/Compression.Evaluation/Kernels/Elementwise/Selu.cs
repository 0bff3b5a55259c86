using Compression.Evaluation.Numerics;

namespace Compression.Evaluation.Kernels.Elementwise;

/// <summary>Selu: gamma·x for x > 0, gamma·alpha·(e^x − 1) otherwise, in double and rounded once.</summary>
internal struct SeluOperation : IUnaryOperation
{
    public static float Apply(float x, UnaryParameters p) => (float)Apply((double)x, p);

    public static double Apply(double x, UnaryParameters p) => x > 0 ? p.Gamma * x : (double)p.Gamma * ((double)p.Alpha * DeterministicMath.Expm1(x));
}

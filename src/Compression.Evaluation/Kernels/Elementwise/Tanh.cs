using Compression.Evaluation.Numerics;

namespace Compression.Evaluation.Kernels.Elementwise;

/// <summary>Tanh: Hyperbolic tangent.</summary>
internal struct TanhOperation : IUnaryOperation
{
    public static float Apply(float x, UnaryParameters p) => DeterministicMath.Tanh(x);

    public static double Apply(double x, UnaryParameters p) => DeterministicMath.Tanh(x);
}

using Compression.Evaluation.Numerics;

namespace Compression.Evaluation.Kernels.Elementwise;

/// <summary>Erf: The error function.</summary>
internal struct ErfOperation : IUnaryOperation
{
    public static float Apply(float x, UnaryParameters p) => DeterministicMath.Erf(x);

    public static double Apply(double x, UnaryParameters p) => DeterministicMath.Erf(x);
}

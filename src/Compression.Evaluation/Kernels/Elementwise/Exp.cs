using Compression.Evaluation.Numerics;

namespace Compression.Evaluation.Kernels.Elementwise;

/// <summary>Exp: e^x.</summary>
internal struct ExpOperation : IUnaryOperation
{
    public static float Apply(float x, UnaryParameters p) => DeterministicMath.Exp(x);

    public static double Apply(double x, UnaryParameters p) => DeterministicMath.Exp(x);
}

using Compression.Evaluation.Numerics;

namespace Compression.Evaluation.Kernels.Elementwise;

/// <summary>Sigmoid: 1 / (1 + e^−x).</summary>
internal struct SigmoidOperation : IUnaryOperation
{
    public static float Apply(float x, UnaryParameters p) => DeterministicMath.Sigmoid(x);

    public static double Apply(double x, UnaryParameters p) => DeterministicMath.Sigmoid(x);
}

using Compression.Evaluation.Numerics;

namespace Compression.Evaluation.Kernels.Elementwise;

/// <summary>Log: Natural logarithm (NaN below 0, −inf at ±0).</summary>
internal struct LogOperation : IUnaryOperation
{
    public static float Apply(float x, UnaryParameters p) => DeterministicMath.Log(x);

    public static double Apply(double x, UnaryParameters p) => DeterministicMath.Log(x);
}

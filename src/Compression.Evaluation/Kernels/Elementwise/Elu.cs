using Compression.Evaluation.Numerics;

namespace Compression.Evaluation.Kernels.Elementwise;

/// <summary>Elu: x for x ≥ 0, alpha·(e^x − 1) below; e^x − 1 without cancellation near 0.</summary>
internal struct EluOperation : IUnaryOperation
{
    public static float Apply(float x, UnaryParameters p) => x >= 0 ? x : (float)(p.Alpha * DeterministicMath.Expm1((double)x));

    public static double Apply(double x, UnaryParameters p) => x >= 0 ? x : p.Alpha * DeterministicMath.Expm1(x);
}

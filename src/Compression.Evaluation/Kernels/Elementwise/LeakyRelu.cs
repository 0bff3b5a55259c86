using System.Runtime.Intrinsics;

namespace Compression.Evaluation.Kernels.Elementwise;

/// <summary>LeakyRelu: x for x ≥ 0, alpha·x below (alpha defaults to 0.01).</summary>
internal struct LeakyReluOperation : IUnaryOperation
{
    public static float Apply(float x, UnaryParameters p) => x >= 0 ? x : p.Alpha * x;

    public static double Apply(double x, UnaryParameters p) => x >= 0 ? x : p.Alpha * x;

    public static bool VectorizesFloat => true;

    public static Vector256<float> Apply(Vector256<float> x, UnaryParameters p) =>
        Vector256.ConditionalSelect(Vector256.GreaterThanOrEqual(x, Vector256<float>.Zero), x, Vector256.Create(p.Alpha) * x);
}

namespace Compression.Evaluation.Kernels.Elementwise;

/// <summary>LeakyRelu: x for x ≥ 0, alpha·x below (alpha defaults to 0.01).</summary>
internal struct LeakyReluOperation : IUnaryOperation
{
    public static float Apply(float x, UnaryParameters p) => x >= 0 ? x : p.Alpha * x;

    public static double Apply(double x, UnaryParameters p) => x >= 0 ? x : p.Alpha * x;
}

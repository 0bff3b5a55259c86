namespace Compression.Evaluation.Kernels.Elementwise;

/// <summary>Softsign: x / (1 + |x|).</summary>
internal struct SoftsignOperation : IUnaryOperation
{
    public static float Apply(float x, UnaryParameters p) => x / (1f + Math.Abs(x));

    public static double Apply(double x, UnaryParameters p) => x / (1.0 + Math.Abs(x));
}

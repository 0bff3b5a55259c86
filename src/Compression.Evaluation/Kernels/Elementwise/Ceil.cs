namespace Compression.Evaluation.Kernels.Elementwise;

/// <summary>Ceil: Smallest integer ≥ x.</summary>
internal struct CeilOperation : IUnaryOperation
{
    public static float Apply(float x, UnaryParameters p) => (float)Math.Ceiling((double)x);

    public static double Apply(double x, UnaryParameters p) => Math.Ceiling(x);
}

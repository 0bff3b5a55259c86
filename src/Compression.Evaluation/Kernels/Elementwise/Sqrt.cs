namespace Compression.Evaluation.Kernels.Elementwise;

/// <summary>Sqrt: Square root, correctly rounded (IEEE); a float square root done in double rounds to the same float.</summary>
internal struct SqrtOperation : IUnaryOperation
{
    public static float Apply(float x, UnaryParameters p) => (float)Math.Sqrt(x);

    public static double Apply(double x, UnaryParameters p) => Math.Sqrt(x);
}

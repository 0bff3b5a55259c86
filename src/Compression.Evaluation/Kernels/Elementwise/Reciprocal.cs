namespace Compression.Evaluation.Kernels.Elementwise;

/// <summary>Reciprocal: 1 / x.</summary>
internal struct ReciprocalOperation : IUnaryOperation
{
    public static float Apply(float x, UnaryParameters p) => 1f / x;

    public static double Apply(double x, UnaryParameters p) => 1.0 / x;
}

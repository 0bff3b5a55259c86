namespace Compression.Evaluation.Kernels.Elementwise;

/// <summary>Floor: Largest integer ≤ x.</summary>
internal struct FloorOperation : IUnaryOperation
{
    public static float Apply(float x, UnaryParameters p) => (float)Math.Floor((double)x);

    public static double Apply(double x, UnaryParameters p) => Math.Floor(x);
}

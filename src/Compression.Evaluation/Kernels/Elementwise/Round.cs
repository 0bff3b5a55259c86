namespace Compression.Evaluation.Kernels.Elementwise;

/// <summary>Round: Nearest integer, halves to even.</summary>
internal struct RoundOperation : IUnaryOperation
{
    public static float Apply(float x, UnaryParameters p) => (float)Math.Round((double)x, MidpointRounding.ToEven);

    public static double Apply(double x, UnaryParameters p) => Math.Round(x, MidpointRounding.ToEven);
}

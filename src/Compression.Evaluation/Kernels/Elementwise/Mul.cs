namespace Compression.Evaluation.Kernels.Elementwise;

/// <summary>Mul: a * b, element by element with broadcasting.</summary>
internal struct MulOperation : IBinaryOperation
{
    public static float Apply(float a, float b) => a * b;

    public static double Apply(double a, double b) => a * b;

    public static int Apply(int a, int b) => unchecked(a * b);

    public static long Apply(long a, long b) => unchecked(a * b);
}

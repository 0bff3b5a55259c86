namespace Compression.Evaluation.Kernels.Elementwise;

/// <summary>The arithmetic of one binary operator per element type; a struct so each kernel is specialised and inlined.</summary>
internal interface IBinaryOperation
{
    static abstract float Apply(float a, float b);

    static abstract double Apply(double a, double b);

    static abstract int Apply(int a, int b);

    static abstract long Apply(long a, long b);
}

using Compression.Evaluation.Numerics;

namespace Compression.Evaluation.Kernels.Reduction;

/// <summary>
/// One reduction's arithmetic: floating types accumulate in double, integer types in long (wrapping), each element
/// added in row-major order of the reduced axes; a struct so every kernel is specialised and inlined.
/// </summary>
internal interface IReduceOperation
{
    static abstract double Seed { get; }

    static abstract double Accumulate(double accumulator, double value);

    static abstract double Finish(double accumulator, long count);

    static abstract long SeedInteger { get; }

    static abstract long Accumulate(long accumulator, long value);

    static abstract long Finish(long accumulator, long count);

    /// <summary>
    /// When true each output first finds the largest of its inputs m, accumulates v - m, and Finish's result gets m
    /// added back (log-sum-exp without overflow).
    /// </summary>
    static virtual bool ShiftByMax => false;

    /// <summary>When true integer inputs go through the double path and are truncated (logarithms of integers).</summary>
    static virtual bool IntegersInDouble => false;
}

internal struct SumOperation : IReduceOperation
{
    public static double Seed => 0;
    public static double Accumulate(double a, double v) => a + v;
    public static double Finish(double a, long n) => a;
    public static long SeedInteger => 0;
    public static long Accumulate(long a, long v) => unchecked(a + v);
    public static long Finish(long a, long n) => a;
}

internal struct MeanOperation : IReduceOperation
{
    public static double Seed => 0;
    public static double Accumulate(double a, double v) => a + v;
    public static double Finish(double a, long n) => a / n;
    public static long SeedInteger => 0;
    public static long Accumulate(long a, long v) => unchecked(a + v);
    public static long Finish(long a, long n) => n == 0 ? 0 : a / n;
}

internal struct MaxOperation : IReduceOperation
{
    public static double Seed => double.NegativeInfinity;
    // NaN propagates, as in NumPy and ONNX Runtime.
    public static double Accumulate(double a, double v) => v > a || double.IsNaN(v) ? v : a;
    public static double Finish(double a, long n) => a;
    public static long SeedInteger => long.MinValue;
    public static long Accumulate(long a, long v) => v > a ? v : a;
    public static long Finish(long a, long n) => a;
}

internal struct MinOperation : IReduceOperation
{
    public static double Seed => double.PositiveInfinity;
    public static double Accumulate(double a, double v) => v < a || double.IsNaN(v) ? v : a;
    public static double Finish(double a, long n) => a;
    public static long SeedInteger => long.MaxValue;
    public static long Accumulate(long a, long v) => v < a ? v : a;
    public static long Finish(long a, long n) => a;
}

internal struct ProdOperation : IReduceOperation
{
    public static double Seed => 1;
    public static double Accumulate(double a, double v) => a * v;
    public static double Finish(double a, long n) => a;
    public static long SeedInteger => 1;
    public static long Accumulate(long a, long v) => unchecked(a * v);
    public static long Finish(long a, long n) => a;
}

internal struct SumSquareOperation : IReduceOperation
{
    public static double Seed => 0;
    public static double Accumulate(double a, double v) => a + v * v;
    public static double Finish(double a, long n) => a;
    public static long SeedInteger => 0;
    public static long Accumulate(long a, long v) => unchecked(a + v * v);
    public static long Finish(long a, long n) => a;
}

internal struct L1Operation : IReduceOperation
{
    public static double Seed => 0;
    public static double Accumulate(double a, double v) => a + Math.Abs(v);
    public static double Finish(double a, long n) => a;
    public static long SeedInteger => 0;
    public static long Accumulate(long a, long v) => unchecked(a + Math.Abs(v));
    public static long Finish(long a, long n) => a;
}

internal struct L2Operation : IReduceOperation
{
    public static double Seed => 0;
    public static double Accumulate(double a, double v) => a + v * v;
    public static double Finish(double a, long n) => Math.Sqrt(a);
    public static long SeedInteger => 0;
    public static long Accumulate(long a, long v) => unchecked(a + v * v);
    public static long Finish(long a, long n) => (long)Math.Sqrt(a);
}

internal struct LogSumOperation : IReduceOperation
{
    public static double Seed => 0;
    public static double Accumulate(double a, double v) => a + v;
    public static double Finish(double a, long n) => DeterministicMath.Log(a);
    public static long SeedInteger => 0;
    public static long Accumulate(long a, long v) => unchecked(a + v);
    public static long Finish(long a, long n) => (long)DeterministicMath.Log(a);
    public static bool IntegersInDouble => true;
}

/// <summary>log(sum(exp(x))) computed as m + log(sum(exp(x - m))) with m the largest input, as ONNX Runtime does.</summary>
internal struct LogSumExpOperation : IReduceOperation
{
    public static double Seed => 0;
    public static double Accumulate(double a, double v) => a + DeterministicMath.Exp(v);
    public static double Finish(double a, long n) => DeterministicMath.Log(a);
    public static long SeedInteger => 0;
    public static long Accumulate(long a, long v) => a;
    public static long Finish(long a, long n) => a;
    public static bool ShiftByMax => true;
    public static bool IntegersInDouble => true;
}

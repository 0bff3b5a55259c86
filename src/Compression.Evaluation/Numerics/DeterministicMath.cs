namespace Compression.Evaluation.Numerics;

/// <summary>
/// Transcendental functions that give the same bits on every machine. The platform's libm (MathF.Exp and friends)
/// differs between C runtimes and CPUs; these use only IEEE basic operations in double (add, multiply, divide,
/// exact scaling), which every conforming machine rounds identically, then round once to float.
/// </summary>
public static class DeterministicMath
{
    private const double Ln2 = 0.6931471805599453;
    private const double InvLn2 = 1.4426950408889634;

    /// <summary>e^x, within about one float ulp.</summary>
    public static float Exp(float x) => (float)Exp((double)x);

    /// <summary>e^x in double, accurate to about 1e-15 relative for the float range it serves.</summary>
    public static double Exp(double x)
    {
        if (double.IsNaN(x)) return x;
        if (x > 709.0) return double.PositiveInfinity;
        if (x < -745.0) return 0.0;
        // x = k·ln2 + r with |r| ≤ ln2/2, then e^x = 2^k · e^r and e^r from its Taylor series (error < 1e-16 here).
        var k = Math.Round(x * InvLn2, MidpointRounding.ToEven);
        var r = x - k * Ln2;
        var p = 1.0 + r * (1.0 + r * (1.0 / 2 + r * (1.0 / 6 + r * (1.0 / 24 + r * (1.0 / 120 + r * (1.0 / 720
            + r * (1.0 / 5040 + r * (1.0 / 40320 + r * (1.0 / 362880 + r * (1.0 / 3628800 + r * (1.0 / 39916800)))))))))));
        return Math.ScaleB(p, (int)k);
    }

    /// <summary>1 / (1 + e^-x), without overflow for large |x|.</summary>
    public static float Sigmoid(float x)
    {
        if (x >= 0) return (float)(1.0 / (1.0 + Exp(-(double)x)));
        var e = Exp((double)x);
        return (float)(e / (1.0 + e));
    }
}

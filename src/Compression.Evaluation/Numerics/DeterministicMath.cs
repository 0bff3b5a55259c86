namespace Compression.Evaluation.Numerics;

/// <summary>
/// Transcendental functions that give the same bits on every machine. The platform's libm (MathF.Exp and friends)
/// differs between C runtimes and CPUs; these use only IEEE basic operations in double (add, subtract, multiply,
/// divide, square root, exact scaling and bit manipulation), which every conforming machine rounds identically, in a
/// fixed order with no data-dependent choice of instructions, then round once to float. So the result is a pure function
/// of the input bits: determinism holds by construction, not by measurement.
/// <para>
/// The float overloads are accurate to within one float ulp (the double computation is good to about 1e-14 relative,
/// so only the final rounding to float matters). The double overloads serve double tensors, where ONNX's tolerances are
/// loose; they are good to about 1e-14 relative (Pow: 1e-13 for results near the ends of the double range).
/// </para>
/// </summary>
public static class DeterministicMath
{
    // ln 2 split so that k·Ln2Hi is exact for |k| < 2^20 (Ln2Hi has 32 significant bits), as in fdlibm.
    private const double Ln2Hi = 6.93147180369123816490e-01;
    private const double Ln2Lo = 1.90821492927058770002e-10;
    private const double InvLn2 = 1.4426950408889634;
    private const double TwoOverSqrtPi = 1.1283791670955126;

    /// <summary>e^x, within one float ulp.</summary>
    public static float Exp(float x) => (float)Exp((double)x);

    /// <summary>e^x in double, accurate to about 1e-15 relative.</summary>
    public static double Exp(double x)
    {
        if (double.IsNaN(x)) return x;
        if (x > 709.8) return double.PositiveInfinity;
        if (x < -745.2) return 0.0;
        // x = k·ln2 + r with |r| ≤ ln2/2, then e^x = 2^k · e^r and e^r from its Taylor series (remainder < 1e-17).
        var k = Math.Round(x * InvLn2, MidpointRounding.ToEven);
        var r = x - k * Ln2Hi - k * Ln2Lo;
        var p = 1.0 + r * ExpSeriesTail(r);
        return Math.ScaleB(p, (int)k);
    }

    /// <summary>e^x − 1 without the cancellation of Exp(x) − 1 near zero.</summary>
    public static double Expm1(double x)
    {
        if (double.IsNaN(x)) return x;
        if (x < -40) return -1.0;
        if (Math.Abs(x) <= 0.35) return x * ExpSeriesTail(x);
        return Exp(x) - 1.0;
    }

    /// <summary>e^x − 1 as a float.</summary>
    public static float Expm1(float x) => (float)Expm1((double)x);

    /// <summary>(e^r − 1) / r for |r| ≤ 0.35 by Horner's rule on the Taylor series through r^13/14! (remainder below 1e-18).</summary>
    private static double ExpSeriesTail(double r) =>
        1.0 + r * (1.0 / 2 + r * (1.0 / 6 + r * (1.0 / 24 + r * (1.0 / 120 + r * (1.0 / 720 + r * (1.0 / 5040
        + r * (1.0 / 40320 + r * (1.0 / 362880 + r * (1.0 / 3628800 + r * (1.0 / 39916800 + r * (1.0 / 479001600
        + r * (1.0 / 6227020800 + r * (1.0 / 87178291200)))))))))))));

    /// <summary>1 / (1 + e^-x), without overflow for large |x|.</summary>
    public static float Sigmoid(float x) => (float)Sigmoid((double)x);

    /// <summary>1 / (1 + e^-x) in double.</summary>
    public static double Sigmoid(double x)
    {
        if (x >= 0) return 1.0 / (1.0 + Exp(-x));
        var e = Exp(x);
        return e / (1.0 + e);
    }

    /// <summary>Natural logarithm, within one float ulp.</summary>
    public static float Log(float x) => (float)Log((double)x);

    /// <summary>Natural logarithm in double, accurate to about 2e-16 relative.</summary>
    public static double Log(double x)
    {
        if (double.IsNaN(x)) return x;
        if (x < 0) return double.NaN;
        if (x == 0) return double.NegativeInfinity;
        if (double.IsPositiveInfinity(x)) return x;

        var bits = BitConverter.DoubleToInt64Bits(x);
        var e = (int)((bits >> 52) & 0x7FF);
        if (e == 0)
        {
            // Subnormal: scale into the normal range first (exact).
            x *= 18014398509481984.0; // 2^54
            bits = BitConverter.DoubleToInt64Bits(x);
            e = (int)((bits >> 52) & 0x7FF) - 54;
        }
        e -= 1023;
        // m in [1, 2), then moved to [√½, √2) so that log m is small and s below is at most 0.1716.
        var m = BitConverter.Int64BitsToDouble((bits & 0x000F_FFFF_FFFF_FFFFL) | 0x3FF0_0000_0000_0000L);
        if (m > 1.4142135623730951)
        {
            m *= 0.5;
            e++;
        }
        // log m = 2·atanh(s) with s = (m − 1)/(m + 1); m − 1 is exact, so the result keeps full relative accuracy near 1.
        var s = (m - 1.0) / (m + 1.0);
        var z = s * s;
        var series = z * (1.0 / 3 + z * (1.0 / 5 + z * (1.0 / 7 + z * (1.0 / 9 + z * (1.0 / 11 + z * (1.0 / 13
            + z * (1.0 / 15 + z * (1.0 / 17 + z * (1.0 / 19 + z * (1.0 / 21 + z * (1.0 / 23 + z * (1.0 / 25))))))))))));
        var logM = 2.0 * s + 2.0 * s * series;
        return e * Ln2Hi + (e * Ln2Lo + logM);
    }

    /// <summary>log(1 + u) accurate for tiny u (Goldberg's correction: exact basic operations only).</summary>
    public static double Log1p(double u)
    {
        if (double.IsNaN(u)) return u;
        var w = 1.0 + u;
        if (w == 1.0) return u;
        if (double.IsPositiveInfinity(w)) return w;
        return Log(w) * (u / (w - 1.0));
    }

    /// <summary>Hyperbolic tangent, within one float ulp.</summary>
    public static float Tanh(float x) => (float)Tanh((double)x);

    /// <summary>Hyperbolic tangent in double: tanh|x| = e/(e + 2) with e = e^(2|x|) − 1, sign restored.</summary>
    public static double Tanh(double x)
    {
        if (double.IsNaN(x)) return x;
        var a = Math.Abs(x);
        if (a > 22) return Math.CopySign(1.0, x);
        var e = Expm1(2 * a);
        return Math.CopySign(e / (e + 2.0), x);
    }

    /// <summary>The error function, within one float ulp.</summary>
    public static float Erf(float x)
    {
        // erf(x) rounds to ±1 in float for |x| ≥ 3.92; stopping at 4 skips the long series there.
        if (Math.Abs(x) >= 4f) return MathF.CopySign(1f, x);
        return (float)Erf((double)x);
    }

    /// <summary>
    /// The error function in double, from the series erf x = 2/√π · e^(−x²) · Σ 2ⁿ x^(2n+1) / (1·3·…·(2n+1)), whose
    /// terms are all positive (no cancellation). It is summed until a term no longer changes the sum, which depends only
    /// on x, so the number of terms is itself deterministic.
    /// </summary>
    public static double Erf(double x)
    {
        if (double.IsNaN(x)) return x;
        var a = Math.Abs(x);
        if (a >= 6) return Math.CopySign(1.0, x);
        var a2 = a * a;
        var twoA2 = 2 * a2;
        var term = a;
        var sum = a;
        for (var n = 1; n < 400; n++)
        {
            term *= twoA2 / (2 * n + 1);
            var next = sum + term;
            if (next == sum) break;
            sum = next;
        }
        var result = TwoOverSqrtPi * Exp(-a2) * sum;
        return Math.CopySign(Math.Min(result, 1.0), x);
    }

    /// <summary>x^y for floats with C's pow special cases, within one float ulp.</summary>
    public static float Pow(float x, float y) => (float)Pow((double)x, (double)y);

    /// <summary>
    /// x^y in double with the special cases of C's pow (pow(x, ±0) = 1 even for NaN x, pow(1, y) = 1 even for NaN y,
    /// negative bases only with integer exponents, signed zeros and infinities by exponent parity). Integer exponents
    /// up to 64 in magnitude use binary powering (square-and-multiply from the lowest bit, a fixed order), exact while
    /// the powers fit in 53 bits; other exponents use e^(y·log x).
    /// </summary>
    public static double Pow(double x, double y)
    {
        if (y == 0) return 1.0;
        if (x == 1.0) return 1.0;
        if (double.IsNaN(x) || double.IsNaN(y)) return double.NaN;

        var yIsInteger = !double.IsInfinity(y) && Math.Floor(y) == y;
        // Doubles of magnitude ≥ 2^53 are even integers; y·0.5 is exact otherwise.
        var yIsOdd = yIsInteger && Math.Abs(y) < 9007199254740992.0 && Math.Floor(y * 0.5) != y * 0.5;

        if (double.IsInfinity(y))
        {
            var ax = Math.Abs(x);
            if (ax == 1.0) return 1.0;
            return (ax < 1.0) == (y > 0) ? 0.0 : double.PositiveInfinity;
        }
        if (x == 0)
        {
            if (y < 0) return yIsOdd ? Math.CopySign(double.PositiveInfinity, x) : double.PositiveInfinity;
            return yIsOdd ? x : 0.0;
        }
        if (double.IsInfinity(x))
        {
            if (x > 0) return y < 0 ? 0.0 : double.PositiveInfinity;
            if (y < 0) return yIsOdd ? -0.0 : 0.0;
            return yIsOdd ? double.NegativeInfinity : double.PositiveInfinity;
        }
        if (x < 0)
        {
            if (!yIsInteger) return double.NaN;
            var magnitude = PowPositive(-x, y, true);
            return yIsOdd ? -magnitude : magnitude;
        }
        return PowPositive(x, y, yIsInteger);
    }

    private static double PowPositive(double x, double y, bool yIsInteger)
    {
        if (yIsInteger && Math.Abs(y) <= 64)
        {
            var n = (int)Math.Abs(y);
            var result = 1.0;
            var power = x;
            while (true)
            {
                if ((n & 1) != 0) result *= power;
                n >>= 1;
                if (n == 0) break;
                power *= power;
            }
            return y < 0 ? 1.0 / result : result;
        }
        return Exp(y * Log(x));
    }
}

using System.Globalization;
using Compression.Evaluation.Numerics;
using Compression.Testing;

namespace Compression.Evaluation.Tests.Numerics;

/// <summary>
/// Accuracy of DeterministicMath against double-precision references (.NET's Math.* here, NumPy/Python's math for erf,
/// which .NET lacks), rounded to float: every result must be within 2 float ulps, over edge cases and a spread of random
/// bit patterns. Determinism needs no test of its own: the functions use only IEEE basic operations on doubles in a
/// fixed order (see the class comment), so their bits cannot depend on the machine; what can be tested is that they are
/// right.
/// </summary>
public class DeterministicMathTests
{
    private const int MaxUlps = 2;

    private static readonly float[] EdgeCases =
    [
        0f, -0f, float.Epsilon, -float.Epsilon, 1e-40f, -1e-40f, 1.17549435e-38f, float.MaxValue, -float.MaxValue,
        float.PositiveInfinity, float.NegativeInfinity, float.NaN, 1f, -1f, 0.5f, -0.5f, 2f, -2f, 1e-8f, -1e-8f, 1e-20f,
        0.999999f, 1.000001f, 10f, -10f, 88.7f, -87.3f, -103.9f, 3.9f, -3.9f, 4.5f, 20f, -20f, 1e10f, 1e30f, 0.1f, 0.3466f,
        0.35f, 0.693147f, 6f, 100f, -100f,
    ];

    /// <summary>Edge cases, then random bit patterns over the whole float range, then random values in [-12, 12].</summary>
    private static float[] Points(int seed)
    {
        var random = new Random(seed);
        var points = new List<float>(EdgeCases);
        for (var i = 0; i < 20000; i++)
            points.Add(BitConverter.Int32BitsToSingle(random.Next(int.MinValue, int.MaxValue)));
        for (var i = 0; i < 20000; i++)
            points.Add((float)(random.NextDouble() * 24 - 12));
        for (var i = 0; i < 2000; i++)
            points.Add((float)(random.NextDouble() * 2e-3 - 1e-3));
        return points.ToArray();
    }

    /// <summary>Distance in representable floats (0 for two NaNs, and for +0 vs −0 only when both are zero).</summary>
    private static long UlpDistance(float a, float b)
    {
        if (float.IsNaN(a) || float.IsNaN(b)) return float.IsNaN(a) && float.IsNaN(b) ? 0 : long.MaxValue;
        static long Ordered(float f)
        {
            var bits = BitConverter.SingleToInt32Bits(f);
            return bits < 0 ? int.MinValue - (long)bits : bits;
        }
        return Math.Abs(Ordered(a) - Ordered(b));
    }

    private static void AssertClose(string name, Func<float, float> actual, Func<double, double> reference, float[] points)
    {
        var worst = 0L;
        var worstAt = 0f;
        foreach (var x in points)
        {
            var expected = (float)reference(x);
            var d = UlpDistance(actual(x), expected);
            if (d > worst) (worst, worstAt) = (d, x);
        }
        Assert.True(worst <= MaxUlps,
            $"{name}: {worst} ulps at x = {worstAt.ToString("R", CultureInfo.InvariantCulture)} " +
            $"(got {actual(worstAt):R}, expected {(float)reference(worstAt):R})");
    }

    [Fact]
    public void Exp_is_within_two_float_ulps_of_the_double_reference() =>
        AssertClose("exp", DeterministicMath.Exp, Math.Exp, Points(1));

    [Fact]
    public void Log_is_within_two_float_ulps_including_negative_zero_subnormal_and_infinite_inputs() =>
        AssertClose("log", DeterministicMath.Log, Math.Log, Points(2));

    [Fact]
    public void Tanh_is_within_two_float_ulps_and_keeps_the_sign_of_zero()
    {
        AssertClose("tanh", DeterministicMath.Tanh, Math.Tanh, Points(3));
        Assert.True(float.IsNegative(DeterministicMath.Tanh(-0f)));
    }

    [Fact]
    public void Expm1_is_within_two_float_ulps_near_zero_where_exp_minus_one_cancels() =>
        AssertClose("expm1", x => DeterministicMath.Expm1(x), x => x == 0 ? x : Math.Abs(x) < 1e-5 ? x + x * x / 2 + x * x * x / 6 : Math.Exp(x) - 1, Points(4));

    [Fact]
    public void Sigmoid_is_within_two_float_ulps() =>
        AssertClose("sigmoid", DeterministicMath.Sigmoid, x => 1 / (1 + Math.Exp(-x)), Points(5));

    [Fact]
    public async Task Erf_is_within_two_float_ulps_of_python_math_erf()
    {
        var points = Points(6);
        using var folder = new TempFolder();
        var input = Path.Combine(folder.Path, "points.txt");
        File.WriteAllLines(input, points.Select(p => ((double)p).ToString("R", CultureInfo.InvariantCulture)));
        var output = await Python.RunAsync(
            "import sys, math\n" +
            "for line in open(sys.argv[1]):\n" +
            "    print(repr(math.erf(float(line))))\n", input);
        var reference = output.Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(s => double.Parse(s, CultureInfo.InvariantCulture)).ToArray();
        Assert.Equal(points.Length, reference.Length);
        var table = new Dictionary<int, double>();
        for (var i = 0; i < points.Length; i++) table[BitConverter.SingleToInt32Bits(points[i])] = reference[i];
        // NaN payloads may change on the way through double, so NaNs are looked up by being NaN.
        AssertClose("erf", DeterministicMath.Erf, x => double.IsNaN(x) ? x : table[BitConverter.SingleToInt32Bits((float)x)], points);
    }

    [Fact]
    public void Pow_is_within_two_float_ulps_for_mixed_bases_and_exponents()
    {
        var random = new Random(7);
        var bases = Points(8).Take(3000).Concat(EdgeCases).ToArray();
        float[] exponents =
        [
            0f, -0f, 1f, -1f, 2f, -2f, 3f, 0.5f, -0.5f, 1.5f, 7f, -7f, 64f, 65f, -64f, 1e-3f, 2.25f, 100f, -100f,
            float.PositiveInfinity, float.NegativeInfinity, float.NaN, 1e10f, -1e10f, 0.333333f, 31f, 30f,
        ];
        foreach (var y in exponents.Concat(Enumerable.Range(0, 40).Select(_ => (float)(random.NextDouble() * 20 - 10))))
            AssertClose($"pow(x, {y:R})", x => DeterministicMath.Pow(x, y), x => Math.Pow(x, y), bases);
    }

    [Theory]
    [InlineData(float.NaN, 0f, 1f)]
    [InlineData(1f, float.NaN, 1f)]
    [InlineData(-1f, float.PositiveInfinity, 1f)]
    [InlineData(-2f, 0.5f, float.NaN)]
    [InlineData(-0f, -3f, float.NegativeInfinity)]
    [InlineData(-0f, -2f, float.PositiveInfinity)]
    [InlineData(-0f, 3f, -0f)]
    [InlineData(float.NegativeInfinity, 3f, float.NegativeInfinity)]
    [InlineData(float.NegativeInfinity, -3f, -0f)]
    [InlineData(0.5f, float.NegativeInfinity, float.PositiveInfinity)]
    [InlineData(-2f, 3f, -8f)]
    [InlineData(3f, 40f, 1.21576655e19f)]
    public void Pow_follows_the_C_special_cases(float x, float y, float expected)
    {
        var actual = DeterministicMath.Pow(x, y);
        Assert.Equal(BitConverter.SingleToInt32Bits(expected), BitConverter.SingleToInt32Bits(actual));
    }

    [Fact]
    public void Small_integer_powers_are_exact_in_double()
    {
        Assert.Equal(Math.ScaleB(1.0, 60), DeterministicMath.Pow(2.0, 60.0));
        Assert.Equal(1594323.0, DeterministicMath.Pow(3.0, 13.0));
        Assert.Equal(0.125, DeterministicMath.Pow(2.0, -3.0));
    }

    [Fact]
    public void Log1p_keeps_tiny_arguments()
    {
        Assert.Equal(1e-20, DeterministicMath.Log1p(1e-20));
        Assert.Equal(Math.Log(2.5), DeterministicMath.Log1p(1.5), 15);
    }
}

using Compression.Engine.LowRank;
using MathNet.Numerics.LinearAlgebra;

namespace Compression.Engine.Tests.LowRank;

/// <summary>The truncated SVD against matrices whose singular values are known, exact and randomized.</summary>
public class TruncatedSvdTests
{
    /// <summary>A = Q1·diag(s)·Q2ᵀ with orthonormal Q1 (m×k), Q2 (n×k) from the QR of fixed pseudo-random matrices.</summary>
    private static Matrix<double> WithSpectrum(int m, int n, double[] s, int seed)
    {
        var random = new Random(seed);
        Matrix<double> Orthonormal(int rows) =>
            Matrix<double>.Build.Dense(rows, s.Length, (_, _) => random.NextDouble() - 0.5).QR(MathNet.Numerics.LinearAlgebra.Factorization.QRMethod.Thin).Q;
        var q1 = Orthonormal(m);
        var q2 = Orthonormal(n);
        return q1 * Matrix<double>.Build.DenseOfDiagonalArray(s) * q2.Transpose();
    }

    [Fact]
    public void Exact_factors_give_the_known_singular_values_and_the_optimal_truncation_error()
    {
        var s = Enumerable.Range(0, 40).Select(i => Math.Pow(0.8, i)).ToArray();
        var a = WithSpectrum(90, 60, s, 1);
        var svd = TruncatedSvd.Compute(a, 10);
        for (var i = 0; i < 10; i++) Assert.Equal(s[i], svd.S[i], 1e-12);
        // Eckart–Young: the best rank-10 approximation leaves exactly the energy of the other values.
        var residual = (a - (svd.U * Matrix<double>.Build.DenseOfDiagonalArray(svd.S) * svd.Vt)).FrobeniusNorm();
        Assert.Equal(Math.Sqrt(s.Skip(10).Sum(v => v * v)), residual, 1e-10);
        Assert.Equal(s.Sum(v => v * v), svd.TotalEnergy, 1e-10);
        // Wide matrices take the transposed path and give the same values.
        var wide = TruncatedSvd.Compute(a.Transpose(), 10);
        for (var i = 0; i < 10; i++) Assert.Equal(s[i], wide.S[i], 1e-12);
    }

    [Fact]
    public void The_randomized_factorization_finds_the_leading_values_of_a_slowly_decaying_spectrum()
    {
        // Trained layers decay slowly: s_i = (1 + i)^-1, on a matrix past the exact limit.
        var s = Enumerable.Range(0, 300).Select(i => 1.0 / (1 + i)).ToArray();
        var a = WithSpectrum(700, 600, s, 2);
        var randomized = TruncatedSvd.ComputeRandomized(a, 20);
        var exact = TruncatedSvd.Exact(a);
        for (var i = 0; i < 10; i++) Assert.True(Math.Abs(randomized.S[i] - exact.S[i]) <= 1e-3 * exact.S[i], $"σ{i}: {randomized.S[i]} vs {exact.S[i]}");
        var approximation = randomized.U * Matrix<double>.Build.DenseOfDiagonalArray(randomized.S) * randomized.Vt;
        var optimal = Math.Sqrt(s.Skip(20).Sum(v => v * v));
        Assert.True((a - approximation).FrobeniusNorm() <= 1.05 * optimal, $"error {(a - approximation).FrobeniusNorm()} vs optimal {optimal}");
        Assert.True(TruncatedSvd.Compute(a, 20).S.SequenceEqual(randomized.S), "past the exact limit Compute is the randomized factorization");
    }

    [Fact]
    public void The_same_matrix_gives_the_same_bits()
    {
        var a = WithSpectrum(600, 550, Enumerable.Range(0, 100).Select(i => 1.0 / (1 + i)).ToArray(), 3);
        var first = TruncatedSvd.Compute(a, 30);
        var second = TruncatedSvd.Compute(a.Clone(), 30);
        Assert.Equal(first.S, second.S);
        Assert.Equal(first.U.ToColumnMajorArray(), second.U.ToColumnMajorArray());
        Assert.Equal(first.Vt.ToColumnMajorArray(), second.Vt.ToColumnMajorArray());
    }
}

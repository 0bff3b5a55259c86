using MathNet.Numerics.LinearAlgebra;

namespace Compression.Engine.LowRank;

/// <summary>The leading singular triplets of a matrix A (m×n): A ≈ U·diag(S)·Vt, with the total energy ‖A‖²_F.</summary>
public sealed record SvdFactors(Matrix<double> U, double[] S, Matrix<double> Vt, double TotalEnergy)
{
    public int Rank => S.Length;
}

/// <summary>
/// Truncated singular value decomposition, deterministic: the same matrix gives the same bits on every machine and
/// thread count. Small matrices (min(m, n) ≤ <see cref="ExactLimit"/>) are factored exactly: a thin Householder QR of
/// the tall orientation, then MathNet's SVD of the small square R, so the cost is O(max·min²) instead of a full SVD's
/// square U or V of the long side. Larger ones use the randomized range finder of Halko, Martinsson and Tropp (2011): a
/// random ±1 test matrix from a fixed-seed generator (no transcendental functions, so no libm differences), a few
/// extra columns of oversampling, power iterations re-orthonormalized by QR (the spectra of trained weights decay
/// slowly), then the exact SVD of the small projection.
/// </summary>
public static class TruncatedSvd
{
    /// <summary>The largest min(m, n) factored exactly.</summary>
    public const int ExactLimit = 512;

    public const int Oversampling = 10;

    public const int PowerIterations = 2;

    private const int Seed = 20261122;

    /// <summary>The leading <paramref name="rank"/> triplets (fewer if the matrix has fewer).</summary>
    public static SvdFactors Compute(Matrix<double> a, int rank)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(rank, 1);
        var small = Math.Min(a.RowCount, a.ColumnCount);
        rank = Math.Min(rank, small);
        var energy = a.FrobeniusNorm();
        energy *= energy;
        var sketch = rank + Oversampling;
        var (u, s, vt) = small <= ExactLimit || 2 * sketch >= small ? Exact(a) : Randomized(a, sketch);
        return new SvdFactors(u.SubMatrix(0, u.RowCount, 0, rank), s[..rank], vt.SubMatrix(0, rank, 0, vt.ColumnCount), energy);
    }

    /// <summary>The randomized factorization, whatever the size (for benchmarks and tests against the exact one).</summary>
    public static SvdFactors ComputeRandomized(Matrix<double> a, int rank)
    {
        rank = Math.Min(rank, Math.Min(a.RowCount, a.ColumnCount));
        var energy = a.FrobeniusNorm();
        var (u, s, vt) = Randomized(a, Math.Min(rank + Oversampling, Math.Min(a.RowCount, a.ColumnCount)));
        return new SvdFactors(u.SubMatrix(0, u.RowCount, 0, rank), s[..rank], vt.SubMatrix(0, rank, 0, vt.ColumnCount), energy * energy);
    }

    /// <summary>All min(m, n) triplets: thin QR of the tall orientation, then the SVD of the square R.</summary>
    public static (Matrix<double> U, double[] S, Matrix<double> Vt) Exact(Matrix<double> a)
    {
        if (a.RowCount < a.ColumnCount)
        {
            var (ut, st, vtt) = Exact(a.Transpose());
            return (vtt.Transpose(), st, ut.Transpose());
        }
        var qr = a.QR(MathNet.Numerics.LinearAlgebra.Factorization.QRMethod.Thin);
        var svd = qr.R.Svd(computeVectors: true);
        return (qr.Q * svd.U, svd.S.ToArray(), svd.VT);
    }

    private static (Matrix<double> U, double[] S, Matrix<double> Vt) Randomized(Matrix<double> a, int sketch)
    {
        var omega = TestMatrix(a.ColumnCount, sketch);
        var q = Orthonormal(a * omega);
        for (var i = 0; i < PowerIterations; i++)
        {
            var z = Orthonormal(a.TransposeThisAndMultiply(q));
            q = Orthonormal(a * z);
        }
        // A ≈ Q·(QᵀA): the SVD of the small sketch-by-n matrix QᵀA gives A's leading triplets.
        var (ub, s, vt) = Exact(q.TransposeThisAndMultiply(a));
        return (q * ub, s, vt);
    }

    private static Matrix<double> Orthonormal(Matrix<double> y) => y.QR(MathNet.Numerics.LinearAlgebra.Factorization.QRMethod.Thin).Q;

    /// <summary>A columns×sketch matrix of ±1 from a fixed-seed generator (Rademacher: as good as Gaussian for the range finder).</summary>
    private static Matrix<double> TestMatrix(int rows, int columns)
    {
        var random = new Random(Seed);
        var values = new double[rows * columns];
        for (var i = 0; i < values.Length; i++) values[i] = random.Next(2) == 0 ? -1.0 : 1.0;
        return Matrix<double>.Build.Dense(rows, columns, values);
    }
}

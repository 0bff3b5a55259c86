using Compression.Engine.Numerics;
using MathNet.Numerics.LinearAlgebra;

namespace Compression.Engine.LowRank;

/// <summary>The leading singular triplets of a matrix A (m×n): A ≈ U·diag(S)·Vt, with the total energy ‖A‖²_F.</summary>
internal sealed record SvdFactors(Matrix<double> U, double[] S, Matrix<double> Vt, double TotalEnergy)
{
    public int Rank => S.Length;
}

/// <summary>
/// Truncated singular value decomposition, deterministic: the same matrix gives the same bits on every machine and
/// thread count. Small matrices (min(m, n) ≤ <see cref="ExactLimit"/>) are factored exactly: a thin Householder QR of
/// the tall orientation, then MathNet's SVD of the small square R, so the cost is O(max·min²) instead of a full SVD's
/// square U or V of the long side. Larger ones use the randomized range finder of Halko, Martinsson and Tropp (2011): a
/// Gaussian test matrix from a fixed-seed generator of our own (<see cref="SeededGaussian"/>), a few extra columns of
/// oversampling, power iterations re-orthonormalized by QR (the spectra of trained weights decay slowly), then the
/// exact SVD of the small projection. MathNet runs on its managed provider (<see cref="ManagedLinearAlgebra"/>).
/// </summary>
internal static class TruncatedSvd
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
        ManagedLinearAlgebra.Ensure();
        var small = Math.Min(a.RowCount, a.ColumnCount);
        rank = Math.Min(rank, small);
        var energy = Energy(a);
        var sketch = rank + Oversampling;
        var (u, s, vt) = small <= ExactLimit || 2 * sketch >= small ? Exact(a) : Randomized(a, sketch);
        return new SvdFactors(u.SubMatrix(0, u.RowCount, 0, rank), s[..rank], vt.SubMatrix(0, rank, 0, vt.ColumnCount), energy);
    }

    /// <summary>The randomized factorization, whatever the size (for benchmarks and tests against the exact one).</summary>
    public static SvdFactors ComputeRandomized(Matrix<double> a, int rank)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(rank, 1);
        ManagedLinearAlgebra.Ensure();
        rank = Math.Min(rank, Math.Min(a.RowCount, a.ColumnCount));
        var energy = Energy(a);
        var (u, s, vt) = Randomized(a, Math.Min(rank + Oversampling, Math.Min(a.RowCount, a.ColumnCount)));
        return new SvdFactors(u.SubMatrix(0, u.RowCount, 0, rank), s[..rank], vt.SubMatrix(0, rank, 0, vt.ColumnCount), energy);
    }

    /// <summary>
    /// ‖A‖²_F summed in column-major order. Not MathNet's FrobeniusNorm: its managed provider forms A·Aᵀ for it, an
    /// m×m product, which for a tall matrix costs far more than the SVD's own work.
    /// </summary>
    public static double Energy(Matrix<double> a)
    {
        var sum = 0.0;
        foreach (var value in a.Enumerate()) sum += value * value;
        return sum;
    }

    /// <summary>All min(m, n) triplets: thin QR of the tall orientation, then the SVD of the square R.</summary>
    public static (Matrix<double> U, double[] S, Matrix<double> Vt) Exact(Matrix<double> a)
    {
        ManagedLinearAlgebra.Ensure();
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

    /// <summary>A rows×columns matrix of independent standard normals, filled column by column from the fixed seed.</summary>
    private static Matrix<double> TestMatrix(int rows, int columns)
    {
        var gaussian = new SeededGaussian(Seed);
        var values = new double[rows * columns];
        for (var i = 0; i < values.Length; i++) values[i] = gaussian.Next();
        return Matrix<double>.Build.Dense(rows, columns, values);
    }
}

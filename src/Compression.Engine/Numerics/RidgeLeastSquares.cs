using MathNet.Numerics.LinearAlgebra;

namespace Compression.Engine.Numerics;

/// <summary>
/// The ridge-regularized least squares both refits solve from their normal equations (structured pruning's layer refit
/// and low-rank's second factor): min ‖A·W − Y‖² + λ‖W − W₀‖² given only AᵀA (<c>gram</c>), AᵀY (<c>cross</c>) and
/// ‖Y‖² (<c>signal</c>). λ = 10⁻³ of the mean diagonal of AᵀA (plus 10⁻¹²) keeps directions the rows never excite at
/// the prior W₀; MathNet's dense QR solves every right-hand side at once.
/// </summary>
internal static class RidgeLeastSquares
{
    public static Matrix<double> Solve(Matrix<double> gram, Matrix<double> cross, Matrix<double> prior)
    {
        var columns = gram.RowCount;
        var lambda = (1e-3 * gram.Diagonal().Sum() / columns) + 1e-12;
        return (gram + (Matrix<double>.Build.DenseIdentity(columns) * lambda)).QR().Solve(cross + (prior * lambda));
    }

    /// <summary>
    /// ‖A·W − Y‖² from the normal equations: tr(WᵀAᵀAW) − 2·tr(WᵀAᵀY) + ‖Y‖², clamped at 0 against rounding. Each trace
    /// is summed as the elementwise product ⟨W, AᵀA·W⟩ and ⟨W, AᵀY⟩ (column-major, a fixed order): Wᵀ(AᵀA·W) would be
    /// outputs × outputs, which for a wide layer (thousands of outputs) costs far more than the fit.
    /// </summary>
    public static double Error(Matrix<double> w, Matrix<double> gram, Matrix<double> cross, double signal) =>
        Math.Max(0, Inner(w, gram * w) - (2 * Inner(w, cross)) + signal);

    /// <summary>Σᵢⱼ aᵢⱼ·bᵢⱼ = tr(AᵀB), summed column by column.</summary>
    public static double Inner(Matrix<double> a, Matrix<double> b)
    {
        if (a.RowCount != b.RowCount || a.ColumnCount != b.ColumnCount) throw new ArgumentException("The matrices' shapes differ.", nameof(b));
        var (x, y) = (a.AsColumnMajorArray() ?? a.ToColumnMajorArray(), b.AsColumnMajorArray() ?? b.ToColumnMajorArray());
        var sum = 0.0;
        for (var i = 0; i < x.Length; i++) sum += x[i] * y[i];
        return sum;
    }
}

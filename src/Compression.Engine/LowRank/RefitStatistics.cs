using MathNet.Numerics.LinearAlgebra;

namespace Compression.Engine.LowRank;

/// <summary>
/// The sums a factored layer's refit needs over a set of calibration rows — HᵀH and HᵀY (h = F1·x, the first node's
/// r values; y the original layer's output minus bias), the outputs' Gram matrix and ‖Y‖² — and the fits and errors
/// computed from them, so a fit made on one set of rows can be judged on another.
/// The outputs' Gram matrix would be YᵀY, outputs × outputs; but y = A·x lies in A's column space, so with
/// <paramref name="outputSpace"/> Q (outputs × k, orthonormal, k = min(outputs, inputs)) it is kept as (YQ)ᵀ(YQ),
/// k × k, and every basis and projection is taken in that space: the same basis in exact arithmetic, and a wide layer
/// (a 6,625-class head on 120 inputs) no longer holds and factors a matrix of its outputs squared.
/// </summary>
internal sealed class RefitStatistics(Matrix<double>? outputSpace = null)
{
    private Matrix<double>? _gram;
    private Matrix<double>? _cross;
    private Matrix<double>? _outputGram;

    public double Signal { get; private set; }

    public bool IsEmpty => _gram is null;

    /// <summary>
    /// Q for a layer whose outputs outnumber its inputs (the thin QR of A), else null: there YᵀY is no larger than
    /// what it would be replaced with.
    /// </summary>
    public static Matrix<double>? OutputSpaceOf(Matrix<double> original) =>
        original.RowCount > original.ColumnCount ? original.QR(MathNet.Numerics.LinearAlgebra.Factorization.QRMethod.Thin).Q : null;

    public void Add(Matrix<double> h, Matrix<double> y)
    {
        var projected = outputSpace is null ? y : y * outputSpace;
        _gram = Accumulate(_gram, h.TransposeThisAndMultiply(h));
        _cross = Accumulate(_cross, h.TransposeThisAndMultiply(y));
        _outputGram = Accumulate(_outputGram, projected.TransposeThisAndMultiply(projected));
        Signal += TruncatedSvd.Energy(y);
    }

    public static RefitStatistics operator +(RefitStatistics a, RefitStatistics b)
    {
        if (a.IsEmpty) return b;
        if (b.IsEmpty) return a;
        return new RefitStatistics(a.OutputSpace) { _gram = a._gram! + b._gram!, _cross = a._cross! + b._cross!, _outputGram = a._outputGram! + b._outputGram!, Signal = a.Signal + b.Signal };
    }

    private Matrix<double>? OutputSpace => outputSpace;

    /// <summary>
    /// F2ᵀ (rank × outputs) minimizing ‖H·F2ᵀ − Y‖² + λ‖F2ᵀ − prior‖²: λ = 10⁻³ of the mean diagonal of HᵀH keeps the
    /// directions these rows never excite where the SVD put them.
    /// </summary>
    public Matrix<double> SecondFactor(Matrix<double> prior) => Numerics.RidgeLeastSquares.Solve(_gram!, _cross!, prior);

    /// <summary>‖H·F2ᵀ − Y‖² over these rows for a second factor <paramref name="secondT"/> (F2ᵀ).</summary>
    public double SecondFactorError(Matrix<double> secondT) => Numerics.RidgeLeastSquares.Error(secondT, _gram!, _cross!, Signal);

    /// <summary>The <paramref name="rank"/> leading eigenvectors of YᵀY (outputs × rank, orthonormal), largest first.</summary>
    public Matrix<double> OutputBasis(int rank)
    {
        // The Gram matrix is symmetric positive semi-definite: its SVD is its eigendecomposition.
        var (u, _, _) = TruncatedSvd.Exact(_outputGram!);
        var leading = u.SubMatrix(0, u.RowCount, 0, Math.Min(rank, u.ColumnCount));
        return outputSpace is null ? leading : outputSpace * leading;
    }

    /// <summary>‖Y − Y·U·Uᵀ‖² over these rows: what projecting the outputs on the orthonormal columns of <paramref name="basis"/> loses.</summary>
    public double ProjectionError(Matrix<double> basis)
    {
        var inSpace = outputSpace is null ? basis : outputSpace.TransposeThisAndMultiply(basis);
        return Math.Max(0, Signal - Numerics.RidgeLeastSquares.Inner(inSpace, _outputGram! * inSpace));
    }

    /// <summary>Adds in place: a sample's sums do not allocate a new total.</summary>
    private static Matrix<double> Accumulate(Matrix<double>? total, Matrix<double> term)
    {
        if (total is null) return term;
        total.Add(term, total);
        return total;
    }
}

using MathNet.Numerics.LinearAlgebra;

namespace Compression.Engine.LowRank;

/// <summary>
/// The sums a factored layer's refit needs over a set of calibration rows — HᵀH and HᵀY (h = F1·x, the first node's
/// r values; y the original layer's output minus bias), YᵀY and ‖Y‖² — and the fits and errors computed from them, so
/// a fit made on one set of rows can be judged on another.
/// </summary>
internal sealed class RefitStatistics
{
    private Matrix<double>? _gram;
    private Matrix<double>? _cross;
    private Matrix<double>? _outputGram;

    public double Signal { get; private set; }

    public bool IsEmpty => _gram is null;

    public void Add(Matrix<double> h, Matrix<double> y)
    {
        _gram = Sum(_gram, h.TransposeThisAndMultiply(h));
        _cross = Sum(_cross, h.TransposeThisAndMultiply(y));
        _outputGram = Sum(_outputGram, y.TransposeThisAndMultiply(y));
        Signal += TruncatedSvd.Energy(y);
    }

    public static RefitStatistics operator +(RefitStatistics a, RefitStatistics b)
    {
        if (a.IsEmpty) return b;
        if (b.IsEmpty) return a;
        return new RefitStatistics { _gram = a._gram! + b._gram!, _cross = a._cross! + b._cross!, _outputGram = a._outputGram! + b._outputGram!, Signal = a.Signal + b.Signal };
    }

    /// <summary>
    /// F2ᵀ (rank × outputs) minimizing ‖H·F2ᵀ − Y‖² + λ‖F2ᵀ − prior‖²: λ = 10⁻³ of the mean diagonal of HᵀH keeps the
    /// directions these rows never excite where the SVD put them.
    /// </summary>
    public Matrix<double> SecondFactor(Matrix<double> prior) => Numerics.RidgeLeastSquares.Solve(_gram!, _cross!, prior);

    /// <summary>‖H·F2ᵀ − Y‖² over these rows for a second factor <paramref name="secondT"/> (F2ᵀ).</summary>
    public double SecondFactorError(Matrix<double> secondT) => Numerics.RidgeLeastSquares.Error(secondT, _gram!, _cross!, Signal);

    /// <summary>The <paramref name="rank"/> leading eigenvectors of YᵀY (outputs × rank), largest first.</summary>
    public Matrix<double> OutputBasis(int rank)
    {
        // YᵀY is symmetric positive semi-definite: its SVD is its eigendecomposition.
        var (u, _, _) = TruncatedSvd.Exact(_outputGram!);
        return u.SubMatrix(0, u.RowCount, 0, rank);
    }

    /// <summary>‖Y − Y·U·Uᵀ‖² over these rows: what projecting the outputs on the orthonormal columns of <paramref name="basis"/> loses.</summary>
    public double ProjectionError(Matrix<double> basis) => Math.Max(0, Signal - (basis.TransposeThisAndMultiply(_outputGram!) * basis).Trace());

    private static Matrix<double> Sum(Matrix<double>? total, Matrix<double> term) => total is null ? term : total + term;
}

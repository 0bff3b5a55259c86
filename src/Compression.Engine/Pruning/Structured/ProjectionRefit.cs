using Compression.Evaluation.Tensors;
using Compression.Onnx.Editing;
using Compression.Onnx.Tensors;
using MathNet.Numerics.LinearAlgebra;

namespace Compression.Engine.Pruning.Structured;

/// <summary>
/// The least-squares refit of a MatMul whose input lost features (a feed-forward block's second MatMul, an attention
/// output projection) over the features it keeps: W' minimizing ‖X_kept·W' − X·W‖² + λ‖W' − W_kept‖² on the unpruned
/// model's activations (X its input, one row a token), as <see cref="LayerRefit"/> does for Conv and Gemm. A
/// transformer's calibration set often has fewer tokens than the layer has inputs, where an in-sample fit only memorizes; so the normal equations are kept for even
/// and odd samples apart, the refit solved on the even ones is scored on the odd ones, and the refit (solved on all)
/// is written only when it beats the pruned weights there. Rows are taken on a fixed stride, sums in sample order.
/// </summary>
/// <param name="weight">The MatMul's constant [features, outputs] weight, already cut to the kept features.</param>
/// <param name="input">The value the MatMul reads (all features, in the unpruned model).</param>
/// <param name="output">The MatMul's output: the target.</param>
internal sealed class ProjectionRefit(ConstantWeight weight, string input, string output, int[] kept)
{
    /// <summary>Rows taken from one sample at most: beyond a few thousand tokens the normal equations barely move.</summary>
    private const int RowsPerSample = 2048;

    private readonly Matrix<double>?[] _gram = new Matrix<double>?[2];
    private readonly Matrix<double>?[] _cross = new Matrix<double>?[2];
    private readonly double[] _signal = new double[2];
    private long _rows;

    public string Input { get; } = input;

    public string Output { get; } = output;

    /// <summary>Held-out squared error of the pruned and the refit weights, and the held-out signal, once solved.</summary>
    public (double Before, double After, double Signal)? HeldOut { get; private set; }

    public bool Written { get; private set; }

    /// <summary>Adds sample <paramref name="sample"/>: the unpruned input [..., features] and the unpruned MatMul output [..., d].</summary>
    public void Accumulate(int sample, Tensor hidden, Tensor target)
    {
        Numerics.ManagedLinearAlgebra.Ensure();
        var (h, d) = (hidden.Shape[^1], target.Shape[^1]);
        var positions = hidden.Length / h;
        if (positions != target.Length / d) return;
        var take = Math.Min(positions, RowsPerSample);
        var a = Matrix<double>.Build.Dense(take, kept.Length);
        var y = Matrix<double>.Build.Dense(take, d);
        var x = hidden.ReadOnlySpan<float>();
        var t = target.ReadOnlySpan<float>();
        var half = sample % 2;
        for (var r = 0; r < take; r++)
        {
            var p = (long)positions * r / take;
            for (var k = 0; k < kept.Length; k++) a[r, k] = x[(int)(p * h) + kept[k]];
            for (var j = 0; j < d; j++)
            {
                var v = t[(int)(p * d) + j];
                y[r, j] = v;
                _signal[half] += (double)v * v;
            }
        }
        _rows += take;
        _gram[half] = _gram[half] is { } g ? g + a.TransposeThisAndMultiply(a) : a.TransposeThisAndMultiply(a);
        _cross[half] = _cross[half] is { } c ? c + a.TransposeThisAndMultiply(y) : a.TransposeThisAndMultiply(y);
    }

    /// <summary>Scores the refit on the held-out half and, when it is better there, writes the refit from all samples.</summary>
    public void SolveAndWrite()
    {
        if (_gram[0] is not { } even || _gram[1] is not { } odd) return;
        var values = TensorData.Read<float>(weight.Tensor);
        var d = checked((int)weight.Tensor.Dims[1]);
        var prior = Matrix<double>.Build.Dense(kept.Length, d, (k, j) => values[(k * d) + j]);
        var trial = Numerics.RidgeLeastSquares.Solve(even, _cross[0]!, prior);
        HeldOut = (Numerics.RidgeLeastSquares.Error(prior, odd, _cross[1]!, _signal[1]),
            Numerics.RidgeLeastSquares.Error(trial, odd, _cross[1]!, _signal[1]), _signal[1]);
        if (HeldOut.Value.After >= HeldOut.Value.Before) return;
        var solution = Numerics.RidgeLeastSquares.Solve(even + odd, _cross[0]! + _cross[1]!, prior);
        var refit = new float[kept.Length * d];
        for (var k = 0; k < kept.Length; k++)
            for (var j = 0; j < d; j++) refit[(k * d) + j] = (float)solution[k, j];
        TensorData.Replace<float>(weight.Tensor, weight.Tensor.Dims.ToArray(), refit);
        Written = true;
    }

    /// <summary>Tokens the normal equations were built from.</summary>
    public long Rows => _rows;
}

using MathNet.Numerics.LinearAlgebra;

namespace Compression.Engine.Distillation;

/// <summary>
/// Fits one layer to the teacher from its <see cref="LayerStatistics"/>, holding its weight's form. Per group, with
/// H = XᵀX (centered when the layer has a bias, whose best value then follows from the weights):
/// <list type="number">
/// <item>the unconstrained target W* = argmin ‖Y − W·X‖² + λ‖W − W₀‖², W₀ the compressed weights and λ = 1% of H's
/// mean diagonal (the damping GPTQ publishes); since ‖Y − Ŵ·X‖² = ‖Y − W*·X‖² + ‖(W* − Ŵ)·X‖², what remains is to
/// choose representable Ŵ near W* in the metric H;</item>
/// <item>GPTQ's sweep: column by column, each element set to the form's nearest representable value (pruned elements
/// to the form's zero), its error spread over the columns not yet fixed through the Cholesky factor of H⁻¹ — the
/// OBS update SparseGPT uses for a fixed mask, and GPTQ's rounding for a grid or a codebook;</item>
/// <item>the bias that removes the mean output error left (bias correction), where the layer has a bias.</item>
/// </list>
/// The fit is kept only when its error on the calibration rows is below the compressed layer's.
/// </summary>
internal static class LayerFit
{
    private const double Damping = 0.01;

    /// <summary>Squared output error of the layer before and after, over the calibration rows; null when the layer was not fit.</summary>
    public static (double Before, double After, double Signal)? Fit(LayerStatistics statistics)
    {
        if (!statistics.Ready) return null;
        var layer = statistics.Layer;
        var layout = layer.Layout;
        var form = layer.Weight;
        var current = form.Read();
        var pruned = form.Pruned();
        var bias = layer.ReadBias();
        var columns = layout.Columns;
        var perGroup = layout.RowsPerGroup;
        var fitted = new double[current.Length];
        var newBias = bias is null ? null : new double[bias.Length];
        double before = 0, after = 0, signal = 0;
        for (var g = 0; g < layout.Groups; g++)
        {
            var gram = statistics.Gram(g);
            var cross = statistics.Cross(g);
            var count = gram[columns, columns];
            var sums = gram.SubMatrix(0, columns, columns, 1);
            var h = gram.SubMatrix(0, columns, 0, columns);
            var d = cross.SubMatrix(0, columns, 0, perGroup);
            if (bias is not null)
            {
                h -= sums * sums.Transpose() / count;
                d -= sums * cross.SubMatrix(columns, 1, 0, perGroup) / count;
            }
            var lambda = (Damping * h.Diagonal().Sum() / columns) + 1e-12;
            var damped = h + (Matrix<double>.Build.DenseIdentity(columns) * lambda);
            var prior = Matrix<double>.Build.Dense(columns, perGroup, (k, j) => current[layout.Flat((g * perGroup) + j, k)]);
            var cholesky = damped.Cholesky();
            var target = cholesky.Solve(d + (prior * lambda));
            var inverse = cholesky.Solve(Matrix<double>.Build.DenseIdentity(columns));
            // H⁻¹ = Uᵀ·U with U upper triangular: row i of U spreads column i's error over the columns after it.
            var u = inverse.Cholesky().Factor.Transpose().ToArray();
            Parallel.For(0, perGroup, j =>
            {
                var row = (g * perGroup) + j;
                var w = new double[columns];
                for (var k = 0; k < columns; k++) w[k] = target[k, j];
                for (var k = 0; k < columns; k++)
                {
                    var flat = layout.Flat(row, k);
                    var q = pruned[flat] ? form.Zero(flat) : form.Project(flat, w[k]);
                    var error = (w[k] - q) / u[k, k];
                    for (var m = k + 1; m < columns; m++) w[m] -= error * u[k, m];
                    fitted[flat] = q;
                }
            });
            var old = Matrix<double>.Build.Dense(columns + 1, perGroup);
            var fit = Matrix<double>.Build.Dense(columns + 1, perGroup);
            for (var j = 0; j < perGroup; j++)
            {
                var row = (g * perGroup) + j;
                for (var k = 0; k < columns; k++)
                {
                    old[k, j] = current[layout.Flat(row, k)];
                    fit[k, j] = fitted[layout.Flat(row, k)];
                }
                if (newBias is not null)
                {
                    double dot = 0;
                    for (var k = 0; k < columns; k++) dot += fit[k, j] * sums[k, 0];
                    newBias[row] = (cross[columns, j] - dot) / count;
                    old[columns, j] = bias![row];
                    fit[columns, j] = newBias[row];
                }
                signal += statistics.Signal(row);
            }
            before += Error(gram, cross, old);
            after += Error(gram, cross, fit);
        }
        before += signal;
        after += signal;
        if (after < before)
        {
            form.Write(fitted);
            if (newBias is not null) layer.WriteBias(newBias);
        }
        return (Math.Max(0, before), Math.Max(0, Math.Min(before, after)), signal);
    }

    /// <summary>‖A·U − Y‖² less ‖Y‖², over every output column: Σ uᵀ(AᵀA)u − 2uᵀ(AᵀY)ⱼ, U = [W; b] one column per output.</summary>
    private static double Error(Matrix<double> gram, Matrix<double> cross, Matrix<double> u) =>
        (gram * u).PointwiseMultiply(u).ColumnSums().Sum() - (2 * cross.PointwiseMultiply(u).ColumnSums().Sum());
}

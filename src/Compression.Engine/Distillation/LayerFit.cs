using MathNet.Numerics.LinearAlgebra;

namespace Compression.Engine.Distillation;

/// <summary>
/// Fits one layer to the teacher from its <see cref="LayerStatistics"/>, holding its weight's form. Per group, with
/// H = XᵀX over the student's inputs (centered when the layer has a bias, whose best value then follows from the
/// weights) damped by λ = 1% of its mean diagonal (the damping GPTQ publishes):
/// <list type="number">
/// <item>a target W*: either the teacher's weights for the layer (GPTQ's and SparseGPT's target; the compressed ones
/// where the teacher has none of that shape), or the
/// least-squares refit argmin ‖Y − W·X‖² + λ‖W − W₀‖² toward the teacher's outputs Y, which also undoes error
/// upstream; since ‖Y − Ŵ·X‖² = ‖Y − W*·X‖² + ‖(W* − Ŵ)·X‖² for the refit, what remains is to choose representable Ŵ
/// near W* in the metric H. Which target a layer takes is decided on held-out rows: each is fit on the even samples and
/// judged on the odd ones and the other way round (a refit on few samples can fit their noise), or the refit for every
/// layer (<see cref="LayerwiseDistillationPass"/> tries both and keeps the one whose model agrees better);</item>
/// <item>GPTQ's sweep: column by column, each element set to the form's nearest representable value (pruned elements
/// to the form's zero), its error spread over the columns not yet fixed through the Cholesky factor of H⁻¹ — the OBS
/// update SparseGPT uses for a fixed mask, and GPTQ's rounding for a grid or a codebook;</item>
/// <item>for a shared weight, its codebook's values refit to the target with the entries held
/// (<see cref="CodebookRefit"/>);</item>
/// <item>the bias that removes the mean output error left (bias correction), where the layer has a bias.</item>
/// </list>
/// The result is kept only when its error on all calibration rows is below the compressed layer's.
/// </summary>
internal static class LayerFit
{
    private const double Damping = 0.01;

    /// <summary>What the fit did: squared output error before and after over the calibration rows, the signal, the target taken.</summary>
    public readonly record struct Result(double Before, double After, double Signal, bool Refit);

    /// <param name="alwaysRefit">Take the refit target for every layer instead of choosing per layer on held-out samples.</param>
    public static Result? Fit(LayerStatistics statistics, bool alwaysRefit)
    {
        if (!statistics.Ready) return null;
        var layer = statistics.Layer;
        var current = layer.Weight.Read();
        var pruned = layer.Weight.Pruned();
        var bias = layer.Bias?.Read();
        var refit = true;
        // Both targets of one half share that half's factorizations.
        var systems = new Dictionary<(int Group, int? Half), GroupSystem>();
        if (statistics.HasHalves && !alwaysRefit)
        {
            double HeldOut(bool withRefit) =>
                Error(statistics, 1, Solve(statistics, 0, withRefit, current, pruned, bias, systems)) + Error(statistics, 0, Solve(statistics, 1, withRefit, current, pruned, bias, systems));
            refit = HeldOut(true) < HeldOut(false);
        }
        var fitted = Solve(statistics, null, refit, current, pruned, bias, systems);
        var before = Error(statistics, null, new Fitted(current.Select(v => (double)v).ToArray(), bias, null));
        var after = Error(statistics, null, fitted);
        var signal = Enumerable.Range(0, layer.Layout.Rows).Sum(r => statistics.Signal(r));
        if (after < before)
        {
            if (fitted.Entries is not null) ((SharedWeightForm)layer.Weight).Write(fitted.Weights, fitted.Entries);
            else layer.Weight.Write(fitted.Weights);
            if (fitted.Bias is not null) layer.Bias!.Write(fitted.Bias);
        }
        return new Result(Math.Max(0, before), Math.Max(0, Math.Min(before, after)), signal, refit);
    }

    /// <summary>Representable weights and the bias for them, from one half's sums or all.</summary>
    private static Fitted Solve(LayerStatistics statistics, int? half, bool refit, float[] current, bool[] pruned, double[]? bias,
        Dictionary<(int Group, int? Half), GroupSystem> systems)
    {
        var layer = statistics.Layer;
        var layout = layer.Layout;
        var form = layer.Weight;
        var columns = layout.Columns;
        var perGroup = layout.RowsPerGroup;
        var fitted = new double[current.Length];
        var newBias = bias is null ? null : new double[bias.Length];
        var targets = new Matrix<double>[layout.Groups];
        for (var g = 0; g < layout.Groups; g++)
        {
            if (!systems.TryGetValue((g, half), out var system)) systems[(g, half)] = system = GroupSystem.Of(statistics, g, half, bias is not null);
            var lambda = system.Lambda;
            var prior = Matrix<double>.Build.Dense(columns, perGroup, (k, j) => current[layout.Flat((g * perGroup) + j, k)]);
            var own = layer.TeacherWeights is { } teacher
                ? Matrix<double>.Build.Dense(columns, perGroup, (k, j) => teacher[layout.Flat((g * perGroup) + j, k)])
                : prior;
            var target = refit ? system.Cholesky.Solve(system.CenteredCross + (own * lambda)) : own;
            var u = system.InverseFactor;
            var w = new double[perGroup][];
            var mask = new bool[perGroup][];
            for (var j = 0; j < perGroup; j++)
            {
                var row = (g * perGroup) + j;
                (w[j], mask[j]) = (new double[columns], new bool[columns]);
                for (var k = 0; k < columns; k++)
                {
                    w[j][k] = target[k, j];
                    mask[j][k] = pruned[layout.Flat(row, k)];
                }
            }
            // Window by window: the mask of a window is chosen when the sweep reaches it, from the weights as the
            // columns before it left them; then every row sweeps the window on its own.
            var window = layer.MaskWindow ?? columns;
            for (var from = 0; from < columns; from += window)
            {
                var to = Math.Min(columns, from + window);
                if (layer.MaskWindow is not null)
                {
                    if (layer.MaskAcrossRows) ReselectAcrossRows(w, mask, u, from, to);
                    else for (var j = 0; j < perGroup; j++) Reselect(w[j], mask[j], u, from, to);
                }
                Parallel.For(0, perGroup, j =>
                {
                    var row = (g * perGroup) + j;
                    var (wj, mj) = (w[j], mask[j]);
                    for (var k = from; k < to; k++)
                    {
                        var flat = layout.Flat(row, k);
                        var q = mj[k] ? form.Zero(flat) : form.Project(flat, wj[k]);
                        var error = (wj[k] - q) / u[k, k];
                        for (var m = k + 1; m < columns; m++) wj[m] -= error * u[k, m];
                        fitted[flat] = q;
                    }
                });
            }
            targets[g] = target;
        }
        var entries = form is SharedWeightForm shared ? CodebookRefit.Solve(shared, layout, fitted, targets, g => systems[(g, half)].Damped) : null;
        if (newBias is null) return new Fitted(fitted, null, entries);
        for (var g = 0; g < layout.Groups; g++)
        {
            var system = systems[(g, half)];
            for (var j = 0; j < perGroup; j++)
            {
                var row = (g * perGroup) + j;
                double dot = 0;
                for (var k = 0; k < columns; k++) dot += fitted[layout.Flat(row, k)] * system.Sums[k, 0];
                newBias[row] = (system.Cross[columns, j] - dot) / system.Count;
            }
        }
        return new Fitted(fitted, newBias, entries);
    }

    /// <summary>Representable weights (flat, the tensor's layout), the bias for them, and a refit codebook for a shared weight.</summary>
    private sealed record Fitted(double[] Weights, double[]? Bias, double[]? Entries);

    /// <summary>
    /// One group's normal equations over one half (or all rows), factored once for both targets: H = XᵀX (centered when
    /// the layer has a bias) damped by λ, its Cholesky factor for the refit's solve, and U, the upper-triangular factor
    /// with UᵀU = H⁻¹ that GPTQ's sweep reads. U comes from H itself: with P the reversal permutation and
    /// P·H·P = L·Lᵀ, H⁻¹ = (P·L⁻¹·P)ᵀ(P·L⁻¹·P) and P·L⁻¹·P is upper triangular, so one more Cholesky and a triangular
    /// inverse replace forming H⁻¹ and factoring it again.
    /// </summary>
    private sealed record GroupSystem(Matrix<double> Cross, Matrix<double> Sums, double Count, double Lambda, Matrix<double> CenteredCross,
        Matrix<double> Damped, MathNet.Numerics.LinearAlgebra.Factorization.Cholesky<double> Cholesky, double[,] InverseFactor)
    {
        public static GroupSystem Of(LayerStatistics statistics, int group, int? half, bool centered)
        {
            var columns = statistics.Layer.Layout.Columns;
            var perGroup = statistics.Layer.Layout.RowsPerGroup;
            var gram = statistics.Gram(group, half);
            var cross = statistics.Cross(group, half);
            var count = gram[columns, columns];
            var sums = gram.SubMatrix(0, columns, columns, 1);
            var h = gram.SubMatrix(0, columns, 0, columns);
            var d = cross.SubMatrix(0, columns, 0, perGroup);
            if (centered)
            {
                h -= sums * sums.Transpose() / count;
                d -= sums * cross.SubMatrix(columns, 1, 0, perGroup) / count;
            }
            var lambda = (Damping * h.Diagonal().Sum() / columns) + 1e-12;
            var damped = h + (Matrix<double>.Build.DenseIdentity(columns) * lambda);
            return new GroupSystem(cross, sums, count, lambda, d, damped, damped.Cholesky(), UpperFactorOfInverse(damped));
        }

        private static double[,] UpperFactorOfInverse(Matrix<double> h)
        {
            var n = h.RowCount;
            var l = Matrix<double>.Build.Dense(n, n, (i, j) => h[n - 1 - i, n - 1 - j]).Cholesky().Factor.ToArray();
            var u = new double[n, n];
            // Column j of L⁻¹ depends on no other column: the columns run in parallel, each summed in a fixed order.
            Parallel.For(0, n, j =>
            {
                var x = new double[n];
                x[j] = 1 / l[j, j];
                for (var i = j + 1; i < n; i++)
                {
                    double sum = 0;
                    for (var k = j; k < i; k++) sum += l[i, k] * x[k];
                    x[i] = -sum / l[i, i];
                }
                for (var i = j; i < n; i++) u[n - 1 - i, n - 1 - j] = x[i];
            });
            return u;
        }
    }

    /// <summary>
    /// SparseGPT's mask choice for columns [from, to) of one row, made as the sweep reaches them: the row keeps as many
    /// pruned elements there as the pass chose, now the ones whose removal costs least, w²/[H⁻¹]ᵢᵢ (with H⁻¹ = UᵀU,
    /// [H⁻¹]ᵢᵢ for the columns not yet fixed is uᵢᵢ²); ties prune the lower column.
    /// </summary>
    internal static void Reselect(double[] w, bool[] mask, double[,] u, int from, int to)
    {
        var count = 0;
        for (var k = from; k < to; k++) count += mask[k] ? 1 : 0;
        if (count == 0 || count == to - from) return;
        var order = Enumerable.Range(from, to - from)
            .OrderBy(k => w[k] * w[k] / (u[k, k] * u[k, k])).ThenBy(k => k).ToArray();
        for (var k = from; k < to; k++) mask[k] = false;
        for (var i = 0; i < count; i++) mask[order[i]] = true;
    }

    /// <summary>
    /// SparseGPT's mask choice for columns [from, to) of a group's rows together: the group keeps as many pruned
    /// elements in the window as the pass chose, now the ones whose removal costs least over all its rows, so a row
    /// whose weights matter more there keeps more of them; ties prune the lower row, then the lower column.
    /// </summary>
    internal static void ReselectAcrossRows(double[][] w, bool[][] mask, double[,] u, int from, int to)
    {
        var width = to - from;
        var count = 0;
        foreach (var m in mask)
            for (var k = from; k < to; k++) count += m[k] ? 1 : 0;
        if (count == 0 || count == w.Length * width) return;
        var order = Enumerable.Range(0, w.Length * width)
            .Select(i => (Row: i / width, Column: from + (i % width)))
            .OrderBy(e => w[e.Row][e.Column] * w[e.Row][e.Column] / (u[e.Column, e.Column] * u[e.Column, e.Column]))
            .ThenBy(e => e.Row).ThenBy(e => e.Column).Take(count).ToArray();
        foreach (var m in mask)
            for (var k = from; k < to; k++) m[k] = false;
        foreach (var (row, column) in order) mask[row][column] = true;
    }

    /// <summary>‖A·U − Y‖² over one half's rows or all: Σ uᵀ(AᵀA)u − 2uᵀ(AᵀY)ⱼ + ‖yⱼ‖², U = [W; b] one column per output.</summary>
    private static double Error(LayerStatistics statistics, int? half, Fitted layer)
    {
        var layout = statistics.Layer.Layout;
        var (columns, perGroup) = (layout.Columns, layout.RowsPerGroup);
        double total = 0;
        for (var g = 0; g < layout.Groups; g++)
        {
            var u = Matrix<double>.Build.Dense(columns + 1, perGroup);
            for (var j = 0; j < perGroup; j++)
            {
                var row = (g * perGroup) + j;
                for (var k = 0; k < columns; k++) u[k, j] = layer.Weights[layout.Flat(row, k)];
                u[columns, j] = layer.Bias?[row] ?? 0;
                total += statistics.Signal(row, half);
            }
            var gram = statistics.Gram(g, half);
            total += (gram * u).PointwiseMultiply(u).ColumnSums().Sum() - (2 * statistics.Cross(g, half).PointwiseMultiply(u).ColumnSums().Sum());
        }
        return total;
    }
}

using MathNet.Numerics.LinearAlgebra;

namespace Compression.Engine.Distillation;

/// <summary>
/// Weight sharing's codebook refit to the layer's output: once the sweep has chosen each element's entry, the weight
/// is linear in the codebook values (w = S·c, S the 0/1 assignment), so the values that best reproduce the target in
/// the layer's metric, min ‖S·c − W*‖² in H + λI (the same metric the sweep rounds in), solve SᵀHS·c = SᵀH·W*: one
/// small system per codebook, of its entries. The entry held at 0 for pruned elements stays 0; an entry no element uses
/// keeps its value. Rows are summed into their codebook's system in row order: the same bytes on any thread count.
/// </summary>
internal static class CodebookRefit
{
    /// <summary>The refit entries of every codebook (the form's layout), and <paramref name="fitted"/> rewritten to them; null when a row reads more than one codebook.</summary>
    public static double[]? Solve(SharedWeightForm form, ProductLayout layout, double[] fitted, Matrix<double>[] targets, Func<int, Matrix<double>> metric)
    {
        var (rows, columns, perGroup, size) = (layout.Rows, layout.Columns, layout.RowsPerGroup, form.Size);
        var channelOfRow = new int[rows];
        for (var row = 0; row < rows; row++)
        {
            channelOfRow[row] = form.ChannelOf(layout.Flat(row, 0));
            for (var k = 1; k < columns; k++)
                if (form.ChannelOf(layout.Flat(row, k)) != channelOfRow[row]) return null;
        }
        var metrics = Enumerable.Range(0, layout.Groups).Select(g => metric(g).ToRowMajorArray()).ToArray();
        var perRowA = new double[rows][];
        var perRowB = new double[rows][];
        Parallel.For(0, rows, row =>
        {
            var (g, j) = (row / perGroup, row % perGroup);
            var h = metrics[g];
            var target = targets[g];
            var entry = new int[columns];
            var t = new double[columns];
            for (var k = 0; k < columns; k++)
            {
                var flat = layout.Flat(row, k);
                entry[k] = form.Entry(flat, fitted[flat]) - (channelOfRow[row] * size);
                t[k] = target[k, j];
            }
            var a = new double[size * size];
            var b = new double[size];
            for (var k = 0; k < columns; k++)
            {
                var offset = k * columns;
                var aRow = entry[k] * size;
                double r = 0;
                for (var m = 0; m < columns; m++)
                {
                    var hkm = h[offset + m];
                    a[aRow + entry[m]] += hkm;
                    r += hkm * t[m];
                }
                b[entry[k]] += r;
            }
            (perRowA[row], perRowB[row]) = (a, b);
        });

        var entries = form.Entries();
        var channels = entries.Length / size;
        var systemA = new double[channels][];
        var systemB = new double[channels][];
        for (var row = 0; row < rows; row++)
        {
            var c = channelOfRow[row];
            if (systemA[c] is null) (systemA[c], systemB[c]) = (perRowA[row], perRowB[row]);
            else
            {
                for (var i = 0; i < size * size; i++) systemA[c][i] += perRowA[row][i];
                for (var i = 0; i < size; i++) systemB[c][i] += perRowB[row][i];
            }
        }
        for (var c = 0; c < channels; c++)
        {
            if (systemA[c] is null) continue;
            var held = form.HeldLocal(c);
            var a = Matrix<double>.Build.Dense(size, size, (i, k) => systemA[c][(i * size) + k]);
            var b = Vector<double>.Build.Dense(size, i => systemB[c][i]);
            // A small ridge toward the current values: unused entries keep theirs, and the system stays definite.
            var ridge = (1e-6 * a.Diagonal().Sum() / size) + 1e-30;
            for (var i = 0; i < size; i++)
            {
                if (i == held)
                {
                    a.ClearRow(i);
                    a.ClearColumn(i);
                    a[i, i] = 1;
                    b[i] = 0;
                    continue;
                }
                a[i, i] += ridge;
                b[i] += ridge * entries[(c * size) + i];
            }
            Vector<double> solved;
            try { solved = a.Cholesky().Solve(b); }
            catch (ArgumentException) { continue; }
            if (solved.Any(v => !double.IsFinite(v))) continue;
            for (var i = 0; i < size; i++) entries[(c * size) + i] = i == held ? 0 : (float)solved[i];
        }
        for (var row = 0; row < rows; row++)
            for (var k = 0; k < columns; k++)
            {
                var flat = layout.Flat(row, k);
                fitted[flat] = entries[form.Entry(flat, fitted[flat])];
            }
        return entries;
    }
}

using Compression.Engine.Pruning.Structured;
using Compression.Evaluation.Tensors;
using MathNet.Numerics.LinearAlgebra;

namespace Compression.Engine.Distillation;

/// <summary>
/// The sums one layer's fit needs, per group, accumulated sample by sample and never holding the rows themselves:
/// with a = [x, 1] the student's input patch (im2col for a Conv) and y the teacher's output at the same position,
/// AᵀA and AᵀY over rows sampled on a fixed stride through each sample's positions, and ‖Y‖² per output. Samples are
/// added in ordinal order and MathNet's managed products split only independent elements: the same bytes on every
/// run and thread count.
/// </summary>
internal sealed class LayerStatistics(DistilledLayer layer)
{
    // Two halves (even and odd samples), so a fit made on one can be judged on the other.
    private readonly Matrix<double>?[,] _gram = new Matrix<double>?[2, layer.Layout.Groups];
    private readonly Matrix<double>?[,] _cross = new Matrix<double>?[2, layer.Layout.Groups];
    private readonly double[,] _signal = new double[2, layer.Layout.Rows];
    private int _added;

    public DistilledLayer Layer { get; } = layer;

    /// <summary>Why the layer could not be fit (shapes that do not match the teacher's), or null.</summary>
    public string? Unusable { get; private set; }

    public bool Ready => Unusable is null && _gram[0, 0] is not null;

    /// <summary>Whether both halves hold samples.</summary>
    public bool HasHalves => _gram[1, 0] is not null;

    /// <summary>AᵀA of one group over half <paramref name="half"/> (0 even samples, 1 odd), or over all with null.</summary>
    public Matrix<double> Gram(int group, int? half = null) => Pick(_gram, group, half);

    public Matrix<double> Cross(int group, int? half = null) => Pick(_cross, group, half);

    public double Signal(int row, int? half = null) => half is { } h ? _signal[h, row] : _signal[0, row] + _signal[1, row];

    private static Matrix<double> Pick(Matrix<double>?[,] sums, int group, int? half) =>
        half is { } h ? sums[h, group]! : sums[1, group] is { } odd ? sums[0, group]! + odd : sums[0, group]!;

    /// <summary>
    /// The teacher's rows of <paramref name="layer"/>'s target in one sample, per group, on the fixed stride through its
    /// positions (⌈budget / samples⌉ of them, at least 64): sampled once per sample and reused by every wave and fit,
    /// since the teacher never changes. Null when the target's shape is not the layer's.
    /// </summary>
    public static TargetRows? Sample(DistilledLayer layer, Tensor target, int samples)
    {
        var layout = layer.Layout;
        var perGroup = layout.RowsPerGroup;
        var kept = layer.TargetChannels;
        if (kept is not null && kept.Length != layout.Rows) return null;
        // The teacher's channel for each of the layer's rows.
        int Channel(int row) => kept is null ? row : kept[row];
        int positions, channels, oh = 1, ow = 1;
        if (layer.IsConv)
        {
            if (target.Rank != 4) return null;
            channels = target.Shape[1];
            (oh, ow) = (target.Shape[2], target.Shape[3]);
            positions = target.Shape[0] * oh * ow;
        }
        else
        {
            if (target.Rank < 2) return null;
            channels = target.Shape[^1];
            positions = target.Length / channels;
        }
        if (kept is null ? channels != layout.Rows : kept.Max() >= channels) return null;
        var budget = Math.Max(4096, 4 * (layout.Columns + 1));
        var take = (int)Math.Min(positions, Math.Max(64, (budget + samples - 1) / samples));
        var t = target.ReadOnlySpan<float>();
        var groups = new Matrix<double>[layout.Groups];
        for (var g = 0; g < layout.Groups; g++)
        {
            var y = Matrix<double>.Build.Dense(take, perGroup);
            for (var r = 0; r < take; r++)
            {
                var p = (int)((long)positions * r / take);
                if (layer.IsConv)
                {
                    var (n, rest) = (p / (oh * ow), p % (oh * ow));
                    for (var j = 0; j < perGroup; j++) y[r, j] = t[(((n * channels) + Channel((g * perGroup) + j)) * oh * ow) + rest];
                }
                else
                {
                    for (var j = 0; j < perGroup; j++) y[r, j] = t[(p * channels) + Channel((g * perGroup) + j)];
                }
            }
            groups[g] = y;
        }
        return new TargetRows(target.Shape.ToArray(), positions, groups);
    }

    /// <summary>Adds one sample: the student's input to the layer and the teacher's rows at the same positions.</summary>
    public void Add(Tensor input, TargetRows? target)
    {
        if (Unusable is not null) return;
        if (target is null) { Unusable = "shapes differ from the teacher's"; return; }
        Numerics.ManagedLinearAlgebra.Ensure();
        var layout = Layer.Layout;
        var columns = layout.Columns;
        var perGroup = layout.RowsPerGroup;
        var (shape, positions) = (target.Shape, target.Positions);
        int channels = 0, height = 1, width = 1, oh = 1, ow = 1;
        PatchRows? patches = null;
        if (Layer.IsConv)
        {
            if (input.Rank != 4 || shape[0] != input.Shape[0] || input.Shape[1] != Layer.WeightDims[1] * layout.Groups)
            {
                Unusable = "shapes differ from the teacher's";
                return;
            }
            patches = PatchRows.Conv(Layer.Node, Layer.WeightDims, input.Shape.ToArray(), shape);
            if (patches is null) { Unusable = "not a 2-D convolution"; return; }
            (channels, height, width, oh, ow) = (input.Shape[1], input.Shape[2], input.Shape[3], shape[2], shape[3]);
        }
        else if (input.Rank < 2 || shape.Length != input.Rank || input.Shape[^1] != columns || !input.Shape.Take(input.Rank - 1).SequenceEqual(shape.Take(shape.Length - 1)))
        {
            Unusable = "shapes differ from the teacher's";
            return;
        }
        var x = input.ReadOnlySpan<float>();
        var row = new double[columns + 1];
        var part = _added++ % 2;
        for (var g = 0; g < layout.Groups; g++)
        {
            var y = target.PerGroup[g];
            var take = y.RowCount;
            var a = Matrix<double>.Build.Dense(take, columns + 1);
            for (var r = 0; r < take; r++)
            {
                var p = (int)((long)positions * r / take);
                if (patches is not null)
                {
                    var (n, rest) = (p / (oh * ow), p % (oh * ow));
                    patches.Write(x, channels, height, width, n, rest / ow, rest % ow, row, g * (channels / layout.Groups), channels / layout.Groups);
                }
                else
                {
                    for (var k = 0; k < columns; k++) row[k] = x[(p * columns) + k];
                    row[columns] = 1;
                }
                for (var k = 0; k <= columns; k++) a[r, k] = row[k];
                for (var j = 0; j < perGroup; j++) _signal[part, (g * perGroup) + j] += y[r, j] * y[r, j];
            }
            var gram = a.TransposeThisAndMultiply(a);
            var cross = a.TransposeThisAndMultiply(y);
            _gram[part, g] = _gram[part, g] is { } before ? before + gram : gram;
            _cross[part, g] = _cross[part, g] is { } sum ? sum + cross : cross;
        }
    }
}

/// <summary>A layer's target in one sample: its shape, its number of positions, and the sampled rows per group.</summary>
internal sealed record TargetRows(int[] Shape, int Positions, Matrix<double>[] PerGroup);

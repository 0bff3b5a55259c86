using Compression.Engine.Calibration;
using Compression.Engine.Graphs;
using Compression.Evaluation.Execution;
using Compression.Evaluation.Tensors;
using Compression.Onnx.Graph;
using Compression.Onnx.Protobuf;
using Compression.Onnx.Tensors;
using MathNet.Numerics.LinearAlgebra;

namespace Compression.Engine.LowRank;

/// <summary>
/// Refits each factored layer's second factor F2 by least squares on calibration data: the r values h = F1·x that the
/// first node computes from the original model's input x to the layer, against the original layer's output y minus
/// its bias: min ‖H·F2ᵀ − (Y − b)‖² + λ‖F2 − F2₀‖², one ridge-regularized normal-equation solve per layer (MathNet QR;
/// λ = 10⁻³ of the mean diagonal keeps directions the data never excites where the SVD put them). As for structured
/// pruning's refit, inputs come from the original model, not the factored one: every layer is fit toward the original,
/// so none learns to undo an upstream error that upstream's own refit removes. The original model gets probe nodes
/// (the first factors, reading the original inputs) and runs once per sample in ordinal order; rows are sampled on a
/// fixed stride through each sample's positions, so the result is the same bytes on every run and thread count.
/// </summary>
internal static class FactorRefit
{
    /// <summary>Rows per layer over the whole data set (at least 8 per unknown of one output).</summary>
    private const int RowBudget = 4096;

    public static string Run(ModelProto reference, string? sourcePath, string dataSet, int threads, IReadOnlyList<FactoredLayer> layers)
    {
        var probe = reference.Clone();
        var index = new ModelIndex(probe);
        var names = new UniqueNames(probe);
        var samples = Math.Max(1, Evaluation.DataSets.DataSet.SampleFolders(dataSet).Count);
        var fits = new List<Fit>();
        foreach (var layer in layers)
        {
            if (Bias(layer, index.Main) is not { } bias) continue;
            // The first factor, reading the original input, beside the original graph.
            var first = layer.First.Clone();
            first.Name = names.Next($"{first.Name}_probe");
            first.Output[0] = names.Next($"{first.Output[0]}_probe");
            probe.Graph.Initializer.Add(layer.FirstWeight.Clone());
            probe.Graph.Node.Add(first);
            fits.Add(new Fit(layer, first.Output[0], layer.Second.Output[0], bias, samples));
        }
        if (fits.Count == 0) return "refit: no factored layer has a bias this refit can hold fixed";

        DataSetRuns.Observe(probe, sourcePath, dataSet, threads, new RowCollector(fits));
        var gains = new List<(double Before, double After)>();
        foreach (var fit in fits)
            if (fit.Solve() is { } gain) gains.Add(gain);
        if (gains.Count == 0) return "refit: no calibration rows reached the factored layers";
        var before = gains.Average(g => g.Before);
        var after = gains.Average(g => g.After);
        return $"second factors of {gains.Count} layers refit on calibration data (least squares): mean layer SQNR {before:F1} → {after:F1} dB";
    }

    /// <summary>The bias the second node adds per output (zeros if none), or null when it is not a per-output constant.</summary>
    private static double[]? Bias(FactoredLayer layer, GraphIndex graph)
    {
        var node = layer.Second;
        var outputs = layer.Layer.Outputs;
        if (node.Input.Count < 3 || node.Input[2].Length == 0) return new double[outputs];
        if (ConstantWeights.Find(graph, node.Input[2]) is not { } c || c.Tensor.DataType != (int)TensorProto.Types.DataType.Float) return null;
        var values = TensorData.Read<float>(c.Tensor);
        var beta = node.OpType == "Gemm" ? node.Attribute.FirstOrDefault(a => a.Name == "beta")?.F ?? 1f : 1f;
        if (values.Length != 1 && values.Length != outputs) return null;
        if (node.OpType == "Gemm" && c.Tensor.Dims.Count == 2 && c.Tensor.Dims[0] != 1) return null;
        return Enumerable.Range(0, outputs).Select(o => (double)beta * values[values.Length == 1 ? 0 : o]).ToArray();
    }

    /// <summary>One layer's normal equations.</summary>
    private sealed class Fit(FactoredLayer layer, string middle, string output, double[] bias, int samples)
    {
        private Matrix<double>? _gram;
        private Matrix<double>? _cross;
        private double _signal;
        private double[,]? _pendingH;
        private double[,]? _pendingY;

        public FactoredLayer Layer { get; } = layer;

        public string Middle { get; } = middle;

        public string Output { get; } = output;

        public void See(string name, Tensor value)
        {
            var featureAxis = Layer.Layer.Node.OpType == "Conv" ? 1 : value.Rank - 1;
            var take = Math.Max(1, (RowBudget + samples - 1) / samples);
            var rows = SampledRows(value, featureAxis, take);
            if (name == Middle) _pendingH = rows;
            else _pendingY = rows;
            if (_pendingH is null || _pendingY is null) return;
            var h = Matrix<double>.Build.DenseOfArray(_pendingH);
            var y = Matrix<double>.Build.DenseOfArray(_pendingY);
            for (var r = 0; r < y.RowCount; r++)
                for (var o = 0; o < y.ColumnCount; o++)
                {
                    y[r, o] -= bias[o];
                    _signal += y[r, o] * y[r, o];
                }
            _gram = _gram is null ? h.TransposeThisAndMultiply(h) : _gram + h.TransposeThisAndMultiply(h);
            _cross = _cross is null ? h.TransposeThisAndMultiply(y) : _cross + h.TransposeThisAndMultiply(y);
            (_pendingH, _pendingY) = (null, null);
        }

        /// <summary>Solves, writes the refit F2, and returns the layer's SQNR (dB) before and after; null without rows.</summary>
        public (double Before, double After)? Solve()
        {
            if (_gram is null || _cross is null) return null;
            var rank = _gram.RowCount;
            var prior = Prior();
            var lambda = (1e-3 * _gram.Diagonal().Sum() / rank) + 1e-12;
            var solution = (_gram + (Matrix<double>.Build.DenseIdentity(rank) * lambda)).QR().Solve(_cross + (prior * lambda));
            double Error(Matrix<double> v) => Math.Max(0, (v.TransposeThisAndMultiply(_gram) * v).Trace() - (2 * v.TransposeThisAndMultiply(_cross).Trace()) + _signal);
            double Db(double error) => 10 * Math.Log10(Math.Max(_signal, 1e-30) / Math.Max(error, 1e-30));
            var before = Db(Error(prior));
            var after = Db(Error(solution));
            if (after <= before) return (before, before); // the data cannot improve on the SVD here: keep it
            Write(solution);
            return (before, after);
        }

        /// <summary>F2ᵀ (rank × outputs) as the second node holds it now.</summary>
        private Matrix<double> Prior()
        {
            var w = TensorData.Read<float>(Layer.SecondWeight);
            var (outputs, rank) = (Layer.Layer.Outputs, Layer.Rank);
            var conv = Layer.Layer.Node.OpType == "Conv";
            return Matrix<double>.Build.Dense(rank, outputs, (i, o) => w[conv ? (o * rank) + i : (i * outputs) + o]);
        }

        private void Write(Matrix<double> solution)
        {
            var (outputs, rank) = (Layer.Layer.Outputs, Layer.Rank);
            var conv = Layer.Layer.Node.OpType == "Conv";
            var values = new float[outputs * rank];
            for (var i = 0; i < rank; i++)
                for (var o = 0; o < outputs; o++)
                    values[conv ? (o * rank) + i : (i * outputs) + o] = (float)solution[i, o];
            TensorData.Replace<float>(Layer.SecondWeight, Layer.SecondWeight.Dims.ToArray(), values);
        }
    }

    /// <summary>
    /// <paramref name="take"/> rows on a fixed stride through the positions of <paramref name="value"/> (every axis but
    /// the feature axis), each the features at that position.
    /// </summary>
    private static double[,] SampledRows(Tensor value, int featureAxis, int take)
    {
        var shape = value.Shape;
        var features = shape[featureAxis];
        var inner = shape[(featureAxis + 1)..].Aggregate(1, (a, d) => a * d);
        var outer = shape[..featureAxis].Aggregate(1, (a, d) => a * d);
        var positions = (long)outer * inner;
        take = (int)Math.Min(take, positions);
        var data = value.ReadOnlySpan<float>();
        var rows = new double[take, features];
        for (var r = 0; r < take; r++)
        {
            var p = positions * r / take;
            var (o, i) = ((int)(p / inner), (int)(p % inner));
            for (var f = 0; f < features; f++) rows[r, f] = data[(((o * features) + f) * inner) + i];
        }
        return rows;
    }

    private sealed class RowCollector(IReadOnlyList<Fit> fits) : IExecutionObserver
    {
        private readonly ILookup<string, Fit> _byValue = fits.SelectMany(f => new[] { (f.Middle, f), (f.Output, f) }).ToLookup(p => p.Item1, p => p.f, StringComparer.Ordinal);

        public void Observe(string name, Tensor value, NodeProto? producer)
        {
            foreach (var fit in _byValue[name]) fit.See(name, value);
        }
    }
}

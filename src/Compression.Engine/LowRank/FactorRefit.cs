using Compression.Engine.Calibration;
using Compression.Evaluation.Execution;
using Compression.Evaluation.Tensors;
using Compression.Onnx.Editing;
using Compression.Onnx.Graph;
using Compression.Onnx.Protobuf;
using Compression.Onnx.Tensors;
using MathNet.Numerics.LinearAlgebra;

namespace Compression.Engine.LowRank;

/// <summary>
/// Refits each factored layer on calibration data, toward the original layer's output y minus its bias, with the
/// better of two least-squares fits on the sampled rows (neither is kept if the SVD's factors do better):
/// <list type="bullet">
/// <item>the second factor alone, F1 held at the SVD's: min ‖H·F2ᵀ − (Y − b)‖² + λ‖F2 − F2₀‖² over the r values
/// h = F1·x the first node computes, one ridge-regularized normal-equation solve (MathNet QR; λ = 10⁻³ of the mean
/// diagonal keeps directions the data never excites where the SVD put them);</item>
/// <item>both factors, the data's optimum at the same rank: with Y = A·X, min over rank-r M of ‖M·X − Y‖ is reached by
/// M = P·A, P the projection on the r leading eigenvectors U_r of the outputs' Gram matrix (Eckart–Young applied to Y
/// rather than to A). So F2 = U_r and F1 = U_rᵀ·A, balanced by √(row norm) as the SVD's √σ. The weight spectrum alone
/// treats every input direction alike; this one follows the directions the activations actually take.</item>
/// </list>
/// Each layer picks by error on held-out rows (<see cref="Fit"/>); where any picked the data's optimum, the factored
/// model is run on the calibration data with those picks and with every layer on its better plain-or-F2 fit, and the
/// set whose outputs agree better with the original's is kept (<see cref="OutputAgreement"/>).
/// As for structured pruning's refit, inputs come from the original model, not the factored one: every layer is fit
/// toward the original, so none learns to undo an upstream error that upstream's own refit removes. The original model
/// gets probe nodes (the first factors, reading the original inputs) and runs once per sample in ordinal order; rows
/// are sampled on a fixed stride through each sample's positions, so the result is the same bytes on every run and
/// thread count.
/// </summary>
internal static class FactorRefit
{
    /// <summary>Rows per layer over the whole data set (at least 8 per unknown of one output).</summary>
    private const int RowBudget = 4096;

    public static string Run(ModelProto factored, ModelProto reference, string? sourcePath, string dataSet, int threads, IReadOnlyList<FactoredLayer> layers)
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
        Numerics.ManagedLinearAlgebra.Ensure();

        var agreement = new OutputAgreement(reference.Graph.Output.Select(o => o.Name));
        DataSetRuns.Observe(probe, sourcePath, dataSet, threads, new Observers(new RowCollector(fits), agreement.Recorder));
        var gains = new List<(Fit Fit, double Before, double After, FitKind Kind)>();
        foreach (var fit in fits)
            if (fit.Solve() is { } gain) gains.Add((fit, gain.Before, gain.After, gain.Kind));
        if (gains.Count == 0) return "refit: no calibration rows reached the factored layers";

        // Layer by layer the data's optimal factors win on held-out rows, yet the model's outputs need not follow (the
        // detector at energy:0.99 lost 3 dB): where any layer took them, the whole model is run on the calibration
        // data both ways and the set whose outputs agree better with the original's is kept.
        var endToEnd = "";
        if (gains.Any(g => g.Kind == FitKind.BothFactors))
        {
            double Agreement()
            {
                var meter = agreement.StartMeter();
                DataSetRuns.Observe(factored, sourcePath, dataSet, threads, meter);
                return meter.MinSqnrDb;
            }
            var chosen = Agreement();
            foreach (var g in gains) g.Fit.Apply(g.Fit.SecondFactorChoice);
            var secondOnly = Agreement();
            if (chosen > secondOnly)
                foreach (var g in gains) g.Fit.Apply(g.Kind);
            else
                gains = gains.Select(g => (g.Fit, g.Before, g.Fit.SecondFactorAfter, g.Fit.SecondFactorChoice)).ToList();
            endToEnd = $"; outputs on the calibration data {chosen:F1} dB with the data's optimal factors, {secondOnly:F1} dB without: kept {(chosen > secondOnly ? "them" : "the second-factor refits")}";
        }
        var before = gains.Average(g => g.Before);
        var after = gains.Average(g => g.After);
        int Count(FitKind kind) => gains.Count(g => g.Kind == kind);
        return $"{gains.Count} factored layers refit on calibration data (least squares): mean layer SQNR {before:F1} → {after:F1} dB; "
            + $"{Count(FitKind.BothFactors)} took the data's optimal factors, {Count(FitKind.SecondFactor)} a refit second factor, {Count(FitKind.None)} kept the SVD's"
            + endToEnd;
    }

    /// <summary>The bias the second node adds per output (zeros if none), or null when it is not a per-output constant.</summary>
    private static double[]? Bias(FactoredLayer layer, GraphIndex graph)
    {
        var node = layer.Second;
        var outputs = layer.Layer.Outputs;
        if (node.Input.Count < 3 || node.Input[2].Length == 0) return new double[outputs];
        if (ConstantWeights.Find(graph, node.Input[2]) is not { } c || c.Tensor.DataType != (int)TensorProto.Types.DataType.Float) return null;
        var values = TensorData.Read<float>(c.Tensor);
        var beta = node.OpType == "Gemm" ? node.GetFloat("beta", 1f) : 1f;
        if (values.Length != 1 && values.Length != outputs) return null;
        if (node.OpType == "Gemm" && c.Tensor.Dims.Count == 2 && c.Tensor.Dims[0] != 1) return null;
        return Enumerable.Range(0, outputs).Select(o => (double)beta * values[values.Length == 1 ? 0 : o]).ToArray();
    }

    /// <summary>
    /// One layer's refit. Rows are kept in two halves, even and odd samples, so each candidate — the SVD's factors, a
    /// refit second factor, the data's optimal factors — can be fit on one half and judged on the other: the data's
    /// optimum follows the calibration rows most closely and is the one most likely to fit what held-out data does not
    /// do (on the rendered text images, whose blank background spans few directions, it reaches 150 dB on its own rows
    /// and loses 2 dB on held-out images). The candidate with the smaller held-out error is then fit on all rows. With
    /// one sample there is nothing to hold out, and the data's optimum is not tried.
    /// </summary>
    private sealed class Fit(FactoredLayer layer, string middle, string output, double[] bias, int samples)
    {
        private readonly RefitStatistics[] _halves = Halves(RefitStatistics.OutputSpaceOf(layer.Original));
        private int _samplesSeen;
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
                for (var o = 0; o < y.ColumnCount; o++) y[r, o] -= bias[o];
            _halves[_samplesSeen++ % 2].Add(h, y);
            (_pendingH, _pendingY) = (null, null);
        }

        private static RefitStatistics[] Halves(Matrix<double>? outputSpace) => [new(outputSpace), new(outputSpace)];

        /// <summary>The better of the SVD's factors and the second-factor refit, by the same held-out error.</summary>
        public FitKind SecondFactorChoice { get; private set; }

        /// <summary>The layer's SQNR on all rows under <see cref="SecondFactorChoice"/>.</summary>
        public double SecondFactorAfter { get; private set; }

        private float[]? _svdFirst;
        private float[]? _svdSecond;
        private Matrix<double>? _refitSecond;
        private Matrix<double>? _basis;

        /// <summary>Chooses and writes a fit; returns the layer's SQNR (dB) on all rows before and after and what it kept; null without rows.</summary>
        public (double Before, double After, FitKind Kind)? Solve()
        {
            var all = _halves[0] + _halves[1];
            if (all.IsEmpty) return null;
            var prior = Prior();
            _svdFirst = TensorData.Read<float>(Layer.FirstWeight);
            _svdSecond = TensorData.Read<float>(Layer.SecondWeight);
            double Error(FitKind kind, RefitStatistics fitOn, RefitStatistics judgeOn) => kind switch
            {
                FitKind.None => judgeOn.SecondFactorError(prior),
                FitKind.SecondFactor => judgeOn.SecondFactorError(fitOn.SecondFactor(prior)),
                _ => judgeOn.ProjectionError(fitOn.OutputBasis(Layer.Rank)),
            };
            var holdOut = !_halves[0].IsEmpty && !_halves[1].IsEmpty;
            FitKind[] kinds = holdOut ? [FitKind.None, FitKind.SecondFactor, FitKind.BothFactors] : [FitKind.None, FitKind.SecondFactor];
            var scores = kinds.Select(k => holdOut ? Error(k, _halves[0], _halves[1]) + Error(k, _halves[1], _halves[0]) : Error(k, all, all)).ToArray();
            var best = kinds[Array.IndexOf(scores, scores.Min())];
            SecondFactorChoice = scores[1] < scores[0] ? FitKind.SecondFactor : FitKind.None;
            _refitSecond = all.SecondFactor(prior);
            if (best == FitKind.BothFactors) _basis = all.OutputBasis(Layer.Rank);
            Apply(best);
            double Db(double error) => 10 * Math.Log10(Math.Max(all.Signal, 1e-30) / Math.Max(error, 1e-30));
            SecondFactorAfter = Db(Error(SecondFactorChoice, all, all));
            return (Db(Error(FitKind.None, all, all)), Db(Error(best, all, all)), best);
        }

        /// <summary>Writes the factors of <paramref name="kind"/> (the SVD's, restored, for <see cref="FitKind.None"/>).</summary>
        public void Apply(FitKind kind)
        {
            TensorData.Replace<float>(Layer.FirstWeight, Layer.FirstWeight.Dims.ToArray(), _svdFirst!);
            TensorData.Replace<float>(Layer.SecondWeight, Layer.SecondWeight.Dims.ToArray(), _svdSecond!);
            if (kind == FitKind.SecondFactor) WriteSecond(_refitSecond!);
            if (kind == FitKind.BothFactors) WriteBoth(_basis!);
        }

        /// <summary>F2 = U_r, F1 = U_rᵀ·A, with row i of F1 and column i of F2 scaled to share √‖row i of U_rᵀ·A‖.</summary>
        private void WriteBoth(Matrix<double> u)
        {
            var first = u.TransposeThisAndMultiply(Layer.Original);
            var second = u.Clone();
            for (var i = 0; i < first.RowCount; i++)
            {
                var norm = first.Row(i).L2Norm();
                if (norm == 0) continue;
                var scale = Math.Sqrt(norm);
                first.SetRow(i, first.Row(i) / scale);
                second.SetColumn(i, second.Column(i) * scale);
            }
            var (rank, inputs) = (first.RowCount, first.ColumnCount);
            var conv = Layer.Layer.Node.OpType == "Conv";
            var values = new float[rank * inputs];
            // A Conv's first weight is [r, C, k…] (F1 row-major); a MatMul's is [inputs, r] (F1ᵀ row-major).
            for (var i = 0; i < rank; i++)
                for (var k = 0; k < inputs; k++)
                    values[conv ? (i * inputs) + k : (k * rank) + i] = (float)first[i, k];
            TensorData.Replace<float>(Layer.FirstWeight, Layer.FirstWeight.Dims.ToArray(), values);
            WriteSecond(second.Transpose());
        }

        /// <summary>F2ᵀ (rank × outputs) as the second node holds it now.</summary>
        private Matrix<double> Prior()
        {
            var w = TensorData.Read<float>(Layer.SecondWeight);
            var (outputs, rank) = (Layer.Layer.Outputs, Layer.Rank);
            var conv = Layer.Layer.Node.OpType == "Conv";
            return Matrix<double>.Build.Dense(rank, outputs, (i, o) => w[conv ? (o * rank) + i : (i * outputs) + o]);
        }

        private void WriteSecond(Matrix<double> solution)
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

    /// <summary>What a layer's refit kept, in the order <see cref="Fit.Solve"/> compares them.</summary>
    internal enum FitKind
    {
        None,
        SecondFactor,
        BothFactors,
    }

    /// <summary>Several observers of one run, in order.</summary>
    private sealed class Observers(params IExecutionObserver[] observers) : IExecutionObserver
    {
        public void Observe(string name, Tensor value, NodeProto? producer)
        {
            foreach (var observer in observers) observer.Observe(name, value, producer);
        }
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

using System.Globalization;
using Compression.Engine.Pipeline;
using Compression.Evaluation.DataSets;
using Compression.Evaluation.Execution;
using Compression.Evaluation.Tensors;
using Compression.Onnx.Graph;
using Compression.Onnx.Model;
using Compression.Onnx.Protobuf;
using DataType = Compression.Onnx.Protobuf.TensorProto.Types.DataType;

namespace Compression.Engine.Quantization.Static;

/// <summary>
/// Which quantized nodes of a static int8 plan stay float, decided by measurement on the model rather than by operator
/// names: the whole plan is written into a copy of the float model and run by the managed executor over the calibration
/// data; when its outputs keep at least <see cref="BrokenBelowDb"/> against the float model's, nothing changes. Otherwise
/// each candidate (a compute node with its activation pairs, or a residual Add) is quantized alone, the candidates are
/// ranked by the error each causes alone (worst first, ties in graph order), and the fewest worst ones are kept float
/// that bring the whole plan to <see cref="TargetSqnrDb"/> (found by doubling, then bisection). In a transformer this finds the
/// places one static range per tensor cannot hold — the residual Adds and LayerNorm inputs whose outlier dimensions
/// reach hundreds, the feed-forward output after GELU — while the rest still runs in integer kernels. The executor is
/// deterministic and the order fixed, so the choice is too.
/// </summary>
internal sealed class SensitivityFallback
{
    /// <summary>
    /// The fidelity the plan must keep on every output over the calibration data. 20 dB (noise a hundredth of the
    /// signal's power, a cosine of about 0.995 per output vector) is where an embedding's nearest neighbours stop
    /// moving; one range per tensor keeps it on the CNNs here, and a transformer missing it by 15 dB is broken, not coarse.
    /// </summary>
    public const double TargetSqnrDb = 20;

    /// <summary>
    /// Below this the plan is broken rather than coarse and the search runs: noise a tenth of the signal's power. The
    /// CNNs here keep 10–25 dB with one range per tensor, as int8 costs them, and keep every node in integer kernels;
    /// a transformer whose outlier dimensions one range cannot hold lands at a few dB.
    /// </summary>
    public const double BrokenBelowDb = 10;

    private readonly CompressionContext _context;
    private readonly ModelProto _float;
    private readonly IReadOnlyDictionary<string, QdqParameters> _parameters;
    private readonly int _weightQMax;
    private readonly bool _unsigned;
    private readonly List<Dictionary<string, Tensor>> _samples;
    private readonly List<IReadOnlyDictionary<string, Tensor>> _expected;
    private int _runs;
    private double? _full;

    /// <summary>
    /// A fallback search over <paramref name="floatModel"/> (the float model a plan is written into) with the calibrated
    /// <paramref name="parameters"/>; the float model's outputs on the calibration data are computed once, here.
    /// </summary>
    public SensitivityFallback(CompressionContext context, ModelProto floatModel, IReadOnlyDictionary<string, QdqParameters> parameters, int weightQMax, bool unsigned)
    {
        _context = context;
        _float = floatModel;
        _parameters = parameters;
        _weightQMax = weightQMax;
        _unsigned = unsigned;
        var onnx = OnnxModel.FromProto(floatModel.Clone(), context.Original.SourcePath);
        var executor = new ModelExecutor(onnx, new ExecutorOptions { Threads = Math.Max(1, context.Threads) });
        var feeds = executor.Inputs.Select(n => onnx.Graph.Input.First(i => i.Name == n)).ToList();
        _samples = DataSet.SampleFolders(context.CalibrationData!).Select(s => InputFiles.Load(s, feeds)).ToList();
        _expected = _samples.Select(s => executor.Run(s)).ToList();
    }

    /// <summary>What was decided: graph positions (in the float model's main graph) of the nodes to keep float, and notes.</summary>
    public sealed record Decision(IReadOnlySet<int> KeptFloat, IReadOnlyList<string> Notes)
    {
        /// <summary>Every node of the plan quantized, unmeasured.</summary>
        public static Decision None { get; } = new(new HashSet<int>(), []);
    }

    /// <summary>The least SQNR over the outputs on the calibration data with every node of the plan quantized.</summary>
    public double MeasureFull(QdqPlan plan, ModelProto planned)
    {
        var positions = Positions(planned);
        return _full ??= Measure(plan.ComputeNodes.Concat(plan.AddNodes).Select(n => positions[n]).ToHashSet());
    }

    /// <summary>
    /// Decides for <paramref name="plan"/>, made on <paramref name="planned"/>, a model with the nodes of the float
    /// model in the same order (positions refer to both).
    /// </summary>
    public Decision Decide(QdqPlan plan, ModelProto planned)
    {
        var positions = Positions(planned);
        var candidates = plan.ComputeNodes.Concat(plan.AddNodes).Select(n => positions[n]).Order().ToList();
        var all = MeasureFull(plan, planned);
        if (all >= BrokenBelowDb || candidates.Count == 0)
            return new Decision(new HashSet<int>(), [$"static int8 keeps {Db(all)} on the calibration data (at least {Db(BrokenBelowDb)}): no node kept float for accuracy"]);

        var alone = candidates.ToDictionary(c => c, c => Measure([c], alone: true));
        var ranked = candidates.OrderBy(c => alone[c]).ThenBy(c => c).ToList();
        double Without(int k) => Measure(ranked.Skip(k).ToHashSet());

        // Doubling to a count that reaches the target, then bisection for the fewest.
        int low = 0, high = 1;
        var reached = double.NaN;
        while (high < ranked.Count && (reached = Without(high)) < TargetSqnrDb)
        {
            low = high;
            high = Math.Min(ranked.Count, high * 2);
        }
        if (high >= ranked.Count) high = ranked.Count;
        while (high - low > 1)
        {
            var middle = (low + high) / 2;
            var sqnr = Without(middle);
            if (sqnr >= TargetSqnrDb) (high, reached) = (middle, sqnr);
            else low = middle;
        }
        if (double.IsNaN(reached) || high == ranked.Count) reached = Without(high);

        var kept = ranked.Take(high).ToHashSet();
        var node = _float.Graph.Node;
        var worst = ranked.Take(Math.Min(8, high)).Select(c => $"{node[c].OpType} '{node[c].Name}' ({Db(alone[c])} alone)");
        return new Decision(kept,
        [
            $"static int8 in full keeps {Db(all)} on the calibration data, under the {Db(TargetSqnrDb)} target: {high} of {candidates.Count} quantized nodes kept float, "
            + $"the most sensitive measured one at a time, giving {Db(reached)} ({_runs} executor passes over {_samples.Count} sample(s))",
            $"kept float: {string.Join(", ", worst)}{(high > 8 ? ", ..." : "")}",
        ]);
    }

    /// <summary>
    /// The least SQNR over the outputs, over all samples, with only the candidates at <paramref name="quantized"/>
    /// quantized. <paramref name="alone"/>: an Add among them is quantized even when no input of it is (normally it joins
    /// only after a quantized producer), so that one residual Add can be measured on its own.
    /// </summary>
    private double Measure(HashSet<int> quantized, bool alone = false)
    {
        _runs++;
        var model = _float.Clone();
        var positions = Positions(model);
        var candidateNodes = new HashSet<NodeProto>(ReferenceEqualityComparer.Instance);
        var index = new ModelIndex(model);
        var types = CompressionContext.InferredTypes(index);
        // Excluded: what the recipe excludes, and every candidate not in the set (other nodes are not candidates at all).
        var full = QdqPlan.Build(index, types, _context.IsExcluded, _unsigned);
        foreach (var n in full.ComputeNodes.Concat(full.AddNodes)) candidateNodes.Add(n);
        bool Excluded(NodeProto n) => _context.IsExcluded(n) || (candidateNodes.Contains(n) && !quantized.Contains(positions[n]));
        var plan = QdqPlan.Build(index, types, Excluded, _unsigned, alone ? n => quantized.Contains(positions.GetValueOrDefault(n, -1)) : null);
        new QdqWriter(index, plan, _parameters, _weightQMax).Write();

        var executor = new ModelExecutor(OnnxModel.FromProto(model, _context.Original.SourcePath), new ExecutorOptions { Threads = Math.Max(1, _context.Threads) });
        var signal = new Dictionary<string, double>(StringComparer.Ordinal);
        var noise = new Dictionary<string, double>(StringComparer.Ordinal);
        for (var s = 0; s < _samples.Count; s++)
        {
            var actual = executor.Run(_samples[s]);
            foreach (var (name, expected) in _expected[s])
            {
                if (expected.ElementType != DataType.Float || !actual.TryGetValue(name, out var got)) continue;
                var e = expected.ReadOnlySpan<float>();
                var g = got.ReadOnlySpan<float>();
                double sig = 0, err = 0;
                for (var i = 0; i < e.Length; i++)
                {
                    sig += (double)e[i] * e[i];
                    var d = (double)e[i] - g[i];
                    err += double.IsFinite(d) ? d * d : double.PositiveInfinity;
                }
                signal[name] = signal.GetValueOrDefault(name) + sig;
                noise[name] = noise.GetValueOrDefault(name) + err;
            }
        }
        return signal.Keys.Select(n => noise[n] == 0 ? double.PositiveInfinity : 10 * Math.Log10(signal[n] / noise[n])).DefaultIfEmpty(double.PositiveInfinity).Min();
    }

    /// <summary>Main-graph node → its position, by reference (protobuf messages compare by value).</summary>
    private static Dictionary<NodeProto, int> Positions(ModelProto model)
    {
        var positions = new Dictionary<NodeProto, int>(ReferenceEqualityComparer.Instance);
        for (var i = 0; i < model.Graph.Node.Count; i++) positions[model.Graph.Node[i]] = i;
        return positions;
    }

    internal static string Db(double value) => double.IsPositiveInfinity(value) ? "∞ dB" : value.ToString("F1", CultureInfo.InvariantCulture) + " dB";
}

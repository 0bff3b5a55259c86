using Compression.Evaluation.DataSets;
using Compression.Evaluation.Execution;
using Compression.Evaluation.Tensors;
using Compression.Onnx.Graph;
using Compression.Onnx.Model;
using Compression.Onnx.Protobuf;

namespace Compression.Engine.Distillation;

/// <summary>
/// The student's activations of every calibration sample, computed wave by wave and kept only where a node not yet run
/// still reads them. A wave's inputs depend only on layers of earlier waves, which are fit before the wave runs and never
/// change after, so an activation computed once stays right: each wave runs only the nodes between what is kept and its
/// inputs, and the whole pass runs the student about once per sample instead of once per wave (quadratic in depth).
/// Values computed from constants alone (a weight's DequantizeLinear, a shape) are never kept: they are recomputed,
/// since a later fit may change the constants they read.
/// </summary>
internal sealed class StudentFrontier
{
    private readonly ModelProto _model;
    private readonly string? _sourcePath;
    private readonly int _threads;
    private readonly GraphIndex _graph;
    private readonly List<NodeProto> _nodes;
    private readonly Dictionary<NodeProto, IReadOnlyList<string>> _reads = new(ReferenceEqualityComparer.Instance);
    private readonly HashSet<string> _activations = new(StringComparer.Ordinal);
    private readonly HashSet<NodeProto> _ran = new(ReferenceEqualityComparer.Instance);
    private readonly Dictionary<string, Tensor>[] _kept;

    public StudentFrontier(ModelProto model, string? sourcePath, IReadOnlyList<string> samples, int threads)
    {
        (_model, _sourcePath, _threads) = (model, sourcePath, Math.Max(1, threads));
        _graph = new GraphIndex(model.Graph);
        _nodes = model.Graph.Node.ToList();
        foreach (var node in _nodes) _reads[node] = node.Input.Concat(_graph.ImplicitInputsOf(node)).Where(i => i.Length > 0).Distinct(StringComparer.Ordinal).ToList();
        var initializers = model.Graph.Initializer.Select(i => i.Name).ToHashSet(StringComparer.Ordinal);
        var feeds = model.Graph.Input.Where(i => !initializers.Contains(i.Name)).ToList();
        _activations.UnionWith(feeds.Select(f => f.Name));
        foreach (var node in _graph.TopologicalOrder)
            if (_reads[node].Any(_activations.Contains)) _activations.UnionWith(node.Output.Where(o => o.Length > 0));
        _kept = samples.Select(s => InputFiles.Load(s, feeds)).ToArray();
    }

    /// <summary>How many activations each sample holds now.</summary>
    public int KeptValues => _kept.Length == 0 ? 0 : _kept[0].Count;

    /// <summary>The student's <paramref name="values"/> in every sample, in sample order.</summary>
    public IReadOnlyList<IReadOnlyDictionary<string, Tensor>> Advance(IReadOnlyCollection<string> values)
    {
        if (_kept.Length == 0) return [];
        // The nodes between what is kept and the values asked for (kept values are the same in every sample).
        var kept = _kept[0];
        var needed = new HashSet<NodeProto>(ReferenceEqualityComparer.Instance);
        var fed = new SortedSet<string>(StringComparer.Ordinal);
        var pending = new Stack<string>(values);
        var seen = new HashSet<string>(StringComparer.Ordinal);
        while (pending.Count > 0)
        {
            var value = pending.Pop();
            if (!seen.Add(value)) continue;
            if (kept.ContainsKey(value)) { fed.Add(value); continue; }
            if (_graph.ProducerOf(value) is not { } producer || !needed.Add(producer)) continue;
            foreach (var input in _reads[producer]) pending.Push(input);
        }
        foreach (var node in needed) _ran.Add(node);
        // Still read later: by a node that has not run (the wave's own layers among them).
        var stillRead = _nodes.Where(n => !_ran.Contains(n)).SelectMany(n => _reads[n]).ToHashSet(StringComparer.Ordinal);
        var computed = values.Where(v => !kept.ContainsKey(v))
            .Concat(needed.SelectMany(n => n.Output).Where(o => _activations.Contains(o) && stillRead.Contains(o)))
            .Distinct(StringComparer.Ordinal).ToList();

        var results = new List<IReadOnlyDictionary<string, Tensor>>(_kept.Length);
        ModelExecutor? executor = computed.Count > 0 ? Executor(needed, fed, computed) : null;
        for (var s = 0; s < _kept.Length; s++)
        {
            var live = _kept[s];
            var outputs = executor?.Run(fed.ToDictionary(f => f, f => live[f], StringComparer.Ordinal));
            if (outputs is not null)
                foreach (var (name, tensor) in outputs)
                    if (_activations.Contains(name)) live[name] = tensor;
            results.Add(values.Distinct(StringComparer.Ordinal).ToDictionary(v => v, v => outputs?.GetValueOrDefault(v) ?? live[v], StringComparer.Ordinal));
            foreach (var name in live.Keys.Where(k => !stillRead.Contains(k)).ToList()) live.Remove(name);
        }
        return results;
    }

    /// <summary>The student cut to <paramref name="nodes"/>, fed the kept values and computing the new ones; weights as they are now.</summary>
    private ModelExecutor Executor(HashSet<NodeProto> nodes, IReadOnlyCollection<string> fed, IReadOnlyList<string> computed)
    {
        var copy = _model.Clone();
        var graph = copy.Graph;
        var positions = _nodes.Select((n, i) => (n, i)).Where(p => nodes.Contains(p.n)).Select(p => p.i).ToHashSet();
        var kept = graph.Node.Where((_, i) => positions.Contains(i)).ToList();
        var declared = graph.Input.Concat(graph.ValueInfo).GroupBy(v => v.Name, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.First(), StringComparer.Ordinal);
        var initializers = graph.Initializer.Select(i => i.Name).ToHashSet(StringComparer.Ordinal);
        var constantInputs = graph.Input.Where(i => initializers.Contains(i.Name)).ToList();
        graph.Node.Clear();
        graph.Node.AddRange(kept);
        graph.Input.Clear();
        graph.Input.AddRange(fed.Select(f => declared.GetValueOrDefault(f)?.Clone() ?? new ValueInfoProto { Name = f }));
        graph.Input.AddRange(constantInputs);
        graph.Output.Clear();
        graph.Output.AddRange(computed.Select(v => new ValueInfoProto { Name = v }));
        return new ModelExecutor(OnnxModel.FromProto(copy, _sourcePath), new ExecutorOptions { Threads = _threads });
    }
}

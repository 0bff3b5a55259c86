using Compression.Evaluation.Tensors;
using Compression.Onnx.Diagnostics;
using Compression.Onnx.Graph;
using Compression.Onnx.Model;
using Compression.Onnx.Protobuf;

namespace Compression.Evaluation.Execution;

/// <summary>
/// The managed, deterministic executor: runs an ONNX model on CPU with no native dependency, the same bits on any
/// machine and thread count. Construction checks every node of every graph against the kernel registry, so an
/// unsupported operator is reported (all of them, with node, operator and opset) before any work starts.
/// One executor may run many inputs; a run is single-threaded in control, parallel inside kernels.
/// </summary>
public sealed class ModelExecutor
{
    private readonly GraphPlan _main;
    private readonly ExecutorOptions _options;

    /// <summary>
    /// Buffers of the last finished run, handed to the next: a steady stream of runs then allocates nothing for its
    /// intermediate values. Concurrent runs each take the idle pool or start an empty one.
    /// </summary>
    private TensorPool? _idlePool;

    public ModelExecutor(OnnxModel model, ExecutorOptions? options = null, KernelRegistry? registry = null)
    {
        Model = model;
        _options = options ?? ExecutorOptions.Default;
        Index = new ModelIndex(model.Proto);
        var unsupported = new List<UnsupportedNode>();
        _main = new GraphPlan(Index.Main, Index, registry ?? KernelRegistry.Default, unsupported, _options.PairDepthwise);
        if (unsupported.Count > 0) throw new UnsupportedOperatorException(unsupported, model.SourcePath);
        Inputs = model.Graph.Input.Where(i => !Index.Main.Initializers.ContainsKey(i.Name)).Select(i => i.Name).ToList();
        Outputs = model.Graph.Output.Select(o => o.Name).ToList();
    }

    public OnnxModel Model { get; }

    /// <summary>How many elementwise nodes of the main graph run fused into a Conv's output store (for tests and benchmarks).</summary>
    internal int FusedNodes => _main.FusedSteps.Sum(s => s.Tail.Length + (s.Prelude?.Tail.Length ?? 0));

    /// <summary>How many depthwise Convs of the main graph run inside the 1×1 Conv after them (for tests and benchmarks).</summary>
    internal int DepthwisePairs => _main.FusedSteps.Count(s => s.Prelude is not null);

    /// <summary>Each step of a plain run with the nodes it runs (prelude, node, fused tail), for profiling (benchmarks).</summary>
    internal IReadOnlyList<(NodeProto Step, NodeProto[] Nodes)> StepNodes =>
        _main.FusedSteps.Select(s => (s.Node, (s.Prelude is { } p ? new[] { p.Node } : []).Append(s.Node).Concat(s.Tail.Select(t => t.Node)).ToArray())).ToList();

    public ModelIndex Index { get; }

    /// <summary>For profiling fused runs (benchmarks): called after each step of the main graph with its node (a fused group's Conv).</summary>
    internal Action<NodeProto>? StepDone { get; set; }

    /// <summary>The inputs a caller provides (graph inputs that are not initializers), in order.</summary>
    public IReadOnlyList<string> Inputs { get; }

    public IReadOnlyList<string> Outputs { get; }

    /// <summary>Runs the model; returns every graph output by name.</summary>
    public IReadOnlyDictionary<string, Tensor> Run(IReadOnlyDictionary<string, Tensor> inputs, IExecutionObserver? observer = null)
    {
        foreach (var name in inputs.Keys)
            if (!Inputs.Contains(name) && !Index.Main.Initializers.ContainsKey(name))
                throw new CompressionException(EvaluationErrorCodes.InputMismatch,
                    $"the model has no input '{name}'; its inputs are {string.Join(", ", Inputs)}.", Model.SourcePath);
        var bound = Model.Graph.Input.Select(i => inputs.TryGetValue(i.Name, out var t) ? t : null).ToList();
        foreach (var name in Inputs)
            if (!inputs.ContainsKey(name))
                throw new CompressionException(EvaluationErrorCodes.InputMissing,
                    $"input '{name}' was not given.", Model.SourcePath);

        var pool = Interlocked.Exchange(ref _idlePool, null) ?? new TensorPool();
        var run = new GraphRun(pool, new Parallelism(_options.Threads), observer) { StepDone = StepDone };
        var outputs = run.Run(_main, null, bound);
        // Outputs go to the caller and never return to the pool, so a later run cannot overwrite them.
        Volatile.Write(ref _idlePool, pool);
        var result = new Dictionary<string, Tensor>(StringComparer.Ordinal);
        for (var i = 0; i < outputs.Length; i++) result[Outputs[i]] = outputs[i];
        return result;
    }
}

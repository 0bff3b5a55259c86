using Compression.Evaluation.Kernels.NeuralNetwork.Fusion;
using Compression.Evaluation.Tensors;
using Compression.Onnx.Diagnostics;
using Compression.Onnx.Protobuf;

namespace Compression.Evaluation.Execution;

/// <summary>
/// Runs a <see cref="GraphPlan"/> once: binds inputs, runs each step, tells the observer, and returns a value's buffer to
/// the pool as soon as its last reader has run. Subgraphs (If, Loop, Scan) run through <see cref="RunSubgraph"/> with a
/// scope that sees the values around them.
/// </summary>
internal sealed class GraphRun
{
    private readonly TensorPool _pool;
    private readonly Parallelism _parallelism;
    private readonly IExecutionObserver? _observer;
    private readonly HashSet<Array> _rented = new(ReferenceEqualityComparer.Instance);
    private readonly Dictionary<Array, int> _liveViews = new(ReferenceEqualityComparer.Instance);

    public GraphRun(TensorPool pool, Parallelism parallelism, IExecutionObserver? observer)
    {
        _pool = pool;
        _parallelism = parallelism;
        _observer = observer;
    }

    /// <summary>Runs <paramref name="plan"/> with its inputs bound by position; returns its outputs in graph order.</summary>
    public Tensor[] Run(GraphPlan plan, Scope? parent, IReadOnlyList<Tensor?> inputs)
    {
        var scope = new Scope(parent);
        foreach (var (name, value) in plan.Constants) scope.Set(name, value);
        if (_observer is not null)
            foreach (var (name, node) in plan.FoldedConstants) _observer.Observe(name, plan.Constants[name], node);
        var graphInputs = plan.Graph.Graph.Input;
        for (var i = 0; i < graphInputs.Count && i < inputs.Count; i++)
        {
            if (inputs[i] is not { } value) continue;
            // A subgraph's inputs may be buffers the enclosing graph still uses: count this binding as one more view,
            // so releasing it here never hands the outer value's array back to the pool.
            if (_rented.Contains(value.Data)) _liveViews[value.Data] = _liveViews.GetValueOrDefault(value.Data) + 1;
            scope.Set(graphInputs[i].Name, value);
            _observer?.Observe(graphInputs[i].Name, value, null);
        }
        var remaining = new Dictionary<string, int>(plan.Readers, StringComparer.Ordinal);

        foreach (var step in _observer is null ? plan.FusedSteps : plan.Steps)
        {
            if (step.Fusion is { } group && TryFused(step, group, scope, remaining, plan)) continue;
            Execute(step, scope, remaining, plan, null);
            foreach (var tail in step.Tail) Execute(tail, scope, remaining, plan, null);
        }

        var outputs = new Tensor[plan.Graph.Graph.Output.Count];
        for (var i = 0; i < outputs.Length; i++)
        {
            var name = plan.Graph.Graph.Output[i].Name;
            outputs[i] = scope.Find(name) ?? throw new CompressionException(EvaluationErrorCodes.InputMissing,
                $"graph output '{name}' was never produced.");
        }
        return outputs;
    }

    /// <summary>Runs a Conv with its fused elementwise nodes as one step; false (nothing done) if this run's tensors do not fit.</summary>
    private bool TryFused(PlanStep step, FusedGroup group, Scope scope, Dictionary<string, int> remaining, GraphPlan plan)
    {
        // Only float32 runs fuse (fp16 rounds between the nodes, which the epilogue does not).
        if (scope.Find(step.Node.Input[0])?.ElementType != Onnx.Protobuf.TensorProto.Types.DataType.Float) return false;
        var externals = new Tensor[group.Externals.Length];
        for (var i = 0; i < externals.Length; i++)
            if (scope.Find(group.Externals[i]) is { } t) externals[i] = t;
            else return false;
        var context = Execute(step, scope, remaining, plan, new EpilogueBinding(group.Epilogue, externals));
        if (context is null) return false;
        // The members ran inside the Conv: their reads are counted as if they had run, inner values were never bound.
        foreach (var tail in step.Tail)
            foreach (var name in tail.Reads) Release(name, scope, remaining, plan);
        return true;
    }

    /// <summary>
    /// Runs one step and binds its outputs. With an epilogue, the step's output is bound as the group's result; if the
    /// kernel declines the epilogue, nothing is bound and null is returned so the caller runs the plain steps.
    /// </summary>
    private KernelContext? Execute(PlanStep step, Scope scope, Dictionary<string, int> remaining, GraphPlan plan, EpilogueBinding? epilogue)
    {
        var node = step.Node;
        var nodeInputs = new Tensor?[node.Input.Count];
        for (var i = 0; i < nodeInputs.Length; i++)
        {
            var name = node.Input[i];
            if (name.Length == 0) continue;
            nodeInputs[i] = scope.Find(name) ?? throw new CompressionException(EvaluationErrorCodes.InputMissing,
                $"node {KernelException.Describe(node)} reads '{name}', which has no value (a missing graph input?).");
        }
        var context = new KernelContext(node, step.Version, nodeInputs, _pool, _parallelism, scope, this, plan)
        {
            Prepared = step.Prepared,
            Epilogue = epilogue,
        };
        try
        {
            step.Kernel.Execute(context);
        }
        catch (Exception e) when (e is not CompressionException)
        {
            throw new KernelException(node, $"{e.GetType().Name}: {e.Message}", e);
        }
        if (epilogue is not null)
        {
            // A kernel declines before it computes anything (this run's tensors do not fit): the caller runs the plain steps.
            if (!context.EpilogueApplied) return null;
            var result = context.Outputs[0] ?? throw context.Fail("produced no value");
            if (_rented.Contains(result.Data)) _liveViews[result.Data] = _liveViews.GetValueOrDefault(result.Data) + 1;
            var output = step.Fusion!.Output;
            scope.Set(output, result);
            foreach (var name in step.Reads) Release(name, scope, remaining, plan);
            if (!remaining.ContainsKey(output)) Release(output, scope, remaining, plan);
            return context;
        }
        for (var i = 0; i < node.Output.Count; i++)
        {
            var name = node.Output[i];
            if (name.Length == 0) continue;
            var value = context.Outputs[i] ?? throw context.Fail($"produced no value for output {i} ('{name}')");
            if (_rented.Contains(value.Data)) _liveViews[value.Data] = _liveViews.GetValueOrDefault(value.Data) + 1;
            scope.Set(name, value);
            _observer?.Observe(name, value, node);
        }
        foreach (var name in step.Reads) Release(name, scope, remaining, plan);
        // Outputs nobody reads can go at once.
        foreach (var name in node.Output)
            if (name.Length > 0 && !remaining.ContainsKey(name)) Release(name, scope, remaining, plan);
        return context;
    }

    public Tensor[] RunSubgraph(GraphPlan parentPlan, GraphProto graph, Scope scope, IReadOnlyList<Tensor?> inputs) =>
        Run(parentPlan.Child(graph), scope, inputs);

    /// <summary>A tensor array handed to the pool by <see cref="KernelContext.Allocate"/>; only those come back to it.</summary>
    public void TrackRented(Array array) => _rented.Add(array);

    private void Release(string name, Scope scope, Dictionary<string, int> remaining, GraphPlan plan)
    {
        if (remaining.TryGetValue(name, out var count))
        {
            if (count > 1) { remaining[name] = count - 1; return; }
            remaining.Remove(name);
        }
        if (plan.Pinned.Contains(name) || plan.Constants.ContainsKey(name)) return;
        if (!scope.Remove(name, out var value) || value is null) return; // an outer value, or already gone
        if (!_liveViews.TryGetValue(value.Data, out var views)) return;
        if (views > 1) { _liveViews[value.Data] = views - 1; return; }
        _liveViews.Remove(value.Data);
        _rented.Remove(value.Data);
        _pool.Return(value.Data);
    }
}

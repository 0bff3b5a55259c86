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

    /// <summary>Called after each step of the outermost graph (profiling); null in normal runs.</summary>
    public Action<NodeProto>? StepDone { get; init; }

    /// <summary>Runs <paramref name="plan"/> with its inputs bound by position; returns its outputs in graph order.</summary>
    public Tensor[] Run(GraphPlan plan, Scope? parent, IReadOnlyList<Tensor?> inputs)
    {
        var values = (Tensor?[])plan.InitialValues.Clone();
        var scope = new Scope(parent, plan.Slots, values);
        if (_observer is not null)
            foreach (var (name, node) in plan.FoldedConstants) _observer.Observe(name, plan.Constants[name], node);
        var graphInputs = plan.Graph.Graph.Input;
        for (var i = 0; i < graphInputs.Count && i < inputs.Count; i++)
        {
            if (inputs[i] is not { } value) continue;
            // A subgraph's inputs may be buffers the enclosing graph still uses: count this binding as one more view,
            // so releasing it here never hands the outer value's array back to the pool.
            AddView(value.Data);
            values[plan.InputSlots[i]] = value;
            _observer?.Observe(graphInputs[i].Name, value, null);
        }
        var remaining = (int[])plan.ReaderCounts.Clone();

        var steps = _observer is null ? plan.FusedSteps : plan.Steps;
        for (var s = 0; s < steps.Count; s++)
        {
            var step = steps[s];
            if (step.Prelude is { } prelude)
            {
                if (TryPrelude(step, prelude, scope, remaining, plan))
                {
                    if (parent is null) StepDone?.Invoke(step.Node);
                    continue;
                }
                RunStep(prelude, scope, remaining, plan);
            }
            RunStep(step, scope, remaining, plan);
            if (parent is null) StepDone?.Invoke(step.Node);
        }

        var outputs = new Tensor[plan.OutputSlots.Length];
        for (var i = 0; i < outputs.Length; i++)
        {
            var name = plan.Graph.Graph.Output[i].Name;
            outputs[i] = scope.Find(plan.OutputSlots[i], name) ?? throw new CompressionException(EvaluationErrorCodes.InputMissing,
                $"graph output '{name}' was never produced.");
        }
        return outputs;
    }

    /// <summary>A step with its fused nodes as one, or (if this run's tensors do not fit) node by node.</summary>
    private void RunStep(PlanStep step, Scope scope, int[] remaining, GraphPlan plan)
    {
        if (step.Fusion is { } group && TryFused(step, group, scope, remaining, plan)) return;
        Execute(step, scope, remaining, plan, null);
        foreach (var tail in step.Tail) Execute(tail, scope, remaining, plan, null);
    }

    /// <summary>
    /// Runs a depthwise Conv and the 1×1 Conv reading it (with that one's fused nodes, if any) as one step; false
    /// (nothing done) if this run's tensors do not fit, and the caller runs them one by one.
    /// </summary>
    private bool TryPrelude(PlanStep step, PlanStep prelude, Scope scope, int[] remaining, GraphPlan plan)
    {
        var inputs = new Tensor?[prelude.InputSlots.Length];
        for (var i = 0; i < inputs.Length; i++)
            if (prelude.InputSlots[i] >= 0 && (inputs[i] = scope.Find(prelude.InputSlots[i], prelude.Node.Input[i])) is null) return false;
        if (inputs[0]?.ElementType != Onnx.Protobuf.TensorProto.Types.DataType.Float) return false;
        EpilogueBinding? epilogue = null;
        if (step.Fusion is { } group)
        {
            var externals = new Tensor[group.Externals.Length];
            for (var i = 0; i < externals.Length; i++)
                if (scope.Find(step.ExternalSlots[i], group.Externals[i]) is { } t) externals[i] = t;
                else return false;
            epilogue = new EpilogueBinding(group.Epilogue, externals);
        }
        // The depthwise's own fused nodes read no tensors (the pairing takes only those), so their epilogue binds none.
        var preludeEpilogue = prelude.Fusion is { } own ? new EpilogueBinding(own.Epilogue, []) : null;
        var context = Execute(step, scope, remaining, plan, epilogue,
            new PreludeBinding(inputs, prelude.Prepared, prelude.Attributes, preludeEpilogue));
        if (context is null) return false;
        foreach (var slot in prelude.ReadSlots) Release(slot, scope, remaining, plan);
        foreach (var slot in prelude.TailReadSlots) Release(slot, scope, remaining, plan);
        foreach (var slot in step.TailReadSlots) Release(slot, scope, remaining, plan);
        return true;
    }

    /// <summary>Runs a Conv with its fused elementwise nodes as one step; false (nothing done) if this run's tensors do not fit.</summary>
    private bool TryFused(PlanStep step, FusedGroup group, Scope scope, int[] remaining, GraphPlan plan)
    {
        // Only float32 runs fuse (fp16 rounds between the nodes, which the epilogue does not).
        if (scope.Find(step.InputSlots[0], step.Node.Input[0])?.ElementType != Onnx.Protobuf.TensorProto.Types.DataType.Float) return false;
        var externals = new Tensor[group.Externals.Length];
        for (var i = 0; i < externals.Length; i++)
            if (scope.Find(step.ExternalSlots[i], group.Externals[i]) is { } t) externals[i] = t;
            else return false;
        var context = Execute(step, scope, remaining, plan, new EpilogueBinding(group.Epilogue, externals));
        if (context is null) return false;
        // The members ran inside the Conv: their reads are counted as if they had run, inner values were never bound.
        foreach (var slot in step.TailReadSlots) Release(slot, scope, remaining, plan);
        return true;
    }

    /// <summary>
    /// Runs one step and binds its outputs. With an epilogue, the step's output is bound as the group's result; if the
    /// kernel declines the epilogue, nothing is bound and null is returned so the caller runs the plain steps.
    /// </summary>
    private KernelContext? Execute(PlanStep step, Scope scope, int[] remaining, GraphPlan plan, EpilogueBinding? epilogue,
        PreludeBinding? prelude = null)
    {
        var node = step.Node;
        var slots = step.InputSlots;
        var nodeInputs = new Tensor?[slots.Length];
        for (var i = 0; i < nodeInputs.Length; i++)
        {
            if (slots[i] < 0) continue;
            if (i == 0 && prelude is not null)
            {
                nodeInputs[0] = prelude.Inputs[0];
                continue;
            }
            nodeInputs[i] = scope.Find(slots[i], node.Input[i]) ?? throw new CompressionException(EvaluationErrorCodes.InputMissing,
                $"node {KernelException.Describe(node)} reads '{node.Input[i]}', which has no value (a missing graph input?).");
        }
        var context = new KernelContext(node, step.Version, nodeInputs, _pool, _parallelism, scope, this, plan, step.Attributes)
        {
            Prepared = step.Prepared,
            Epilogue = epilogue,
            Prelude = prelude,
        };
        try
        {
            step.Kernel.Execute(context);
        }
        catch (Exception e) when (e is not CompressionException)
        {
            throw new KernelException(node, $"{e.GetType().Name}: {e.Message}", e);
        }
        var values = scope.Values;
        // With a prelude, a kernel that declines computes nothing: the caller runs the plain steps.
        if (prelude is not null && !context.PreludeApplied) return null;
        if (epilogue is not null)
        {
            // A kernel declines before it computes anything (this run's tensors do not fit): the caller runs the plain steps.
            if (!context.EpilogueApplied) return null;
            var result = context.Outputs[0] ?? throw context.Fail("produced no value");
            AddView(result.Data);
            var output = step.FusionOutputSlot;
            values[output] = result;
            foreach (var slot in step.ReadSlots) Release(slot, scope, remaining, plan);
            if (remaining[output] == 0) Release(output, scope, remaining, plan);
            return context;
        }
        var outputs = step.OutputSlots;
        for (var i = 0; i < outputs.Length; i++)
        {
            if (outputs[i] < 0) continue;
            var value = context.Outputs[i] ?? throw context.Fail($"produced no value for output {i} ('{node.Output[i]}')");
            AddView(value.Data);
            values[outputs[i]] = value;
            _observer?.Observe(node.Output[i], value, node);
        }
        foreach (var slot in step.ReadSlots) Release(slot, scope, remaining, plan);
        // Outputs nobody reads can go at once.
        foreach (var slot in outputs)
            if (slot >= 0 && remaining[slot] == 0) Release(slot, scope, remaining, plan);
        return context;
    }

    private void AddView(Array data)
    {
        if (_rented.Contains(data)) _liveViews[data] = _liveViews.GetValueOrDefault(data) + 1;
    }

    public Tensor[] RunSubgraph(GraphPlan parentPlan, GraphProto graph, Scope scope, IReadOnlyList<Tensor?> inputs) =>
        Run(parentPlan.Child(graph), scope, inputs);

    /// <summary>A tensor array handed to the pool by <see cref="KernelContext.Allocate"/>; only those come back to it.</summary>
    public void TrackRented(Array array) => _rented.Add(array);

    private void Release(int slot, Scope scope, int[] remaining, GraphPlan plan)
    {
        if (remaining[slot] > 1) { remaining[slot]--; return; }
        remaining[slot] = 0;
        if (plan.Kept[slot]) return;
        var value = scope.Values[slot];
        if (value is null) return; // an outer value, or already gone
        scope.Values[slot] = null;
        if (!_liveViews.TryGetValue(value.Data, out var views)) return;
        if (views > 1) { _liveViews[value.Data] = views - 1; return; }
        _liveViews.Remove(value.Data);
        _rented.Remove(value.Data);
        _pool.Return(value.Data);
    }
}

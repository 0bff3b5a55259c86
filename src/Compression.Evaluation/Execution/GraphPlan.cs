using Compression.Evaluation.Kernels.NeuralNetwork.Fusion;
using Compression.Evaluation.Operators;
using Compression.Evaluation.Tensors;
using Compression.Onnx.Graph;
using Compression.Onnx.Protobuf;

namespace Compression.Evaluation.Execution;

/// <summary>
/// One graph made ready to run many times: a kernel for every node in topological order, its initializers and Constant
/// nodes converted once, how many readers each value has (so buffers return to the pool after the last), and the plans
/// of its subgraphs. Unsupported nodes are collected here, before anything runs.
/// </summary>
internal sealed class GraphPlan
{
    private readonly Dictionary<GraphProto, GraphPlan> _children = new(ReferenceEqualityComparer.Instance);

    public GraphPlan(GraphIndex graph, ModelIndex model, KernelRegistry registry, List<UnsupportedNode> unsupported, bool pairDepthwise = true)
    {
        Graph = graph;
        foreach (var init in graph.Graph.Initializer)
            Constants[init.Name] = TensorConversion.FromProto(init);

        foreach (var node in graph.TopologicalOrder)
        {
            foreach (var sub in graph.SubgraphsOf(node))
                _children[sub.Index.Graph] = new GraphPlan(sub.Index, model, registry, unsupported, pairDepthwise);

            var domain = ModelIndex.NormalizeDomain(node.Domain);
            var opset = model.OpsetOf(node);
            var name = string.IsNullOrEmpty(node.Name) ? string.Join(",", node.Output) : node.Name;
            if (opset is null)
            {
                unsupported.Add(new UnsupportedNode(name, domain, node.OpType, 0, $"the model imports no opset for domain '{domain}'"));
                continue;
            }
            int? version = domain.Length == 0 ? OperatorVersions.Default.Resolve(node.OpType, opset.Value) : null;
            var kernel = version is { } v ? registry.Find(domain, node.OpType, v) : null;
            if (kernel is null)
            {
                var reason = domain.Length != 0 ? "no kernels for this domain"
                    : opset > OperatorVersions.Default.MaxOpset ? $"opsets past {OperatorVersions.Default.MaxOpset} are not supported yet"
                    : version is null ? "not an operator of this opset"
                    : $"no kernel for version {version}";
                unsupported.Add(new UnsupportedNode(name, domain, node.OpType, opset.Value, reason));
                continue;
            }
            if (node.OpType == "Constant" && domain.Length == 0)
            {
                // A Constant's value never changes: convert it once here, not on every run (exporters that keep
                // weights in Constant nodes would otherwise decode every weight on every inference).
                var folding = KernelContext.ForFolding(node, version!.Value, []);
                kernel.Execute(folding);
                Constants[node.Output[0]] = folding.Outputs[0] ?? throw folding.Fail("produced no value");
                FoldedConstants.Add((node.Output[0], node));
                continue;
            }
            var prepared = kernel is IPreparedKernel preparing
                ? preparing.Prepare(node, version!.Value, node.Input.Select(i => Constants.GetValueOrDefault(i)).ToArray())
                : null;
            Steps.Add(new PlanStep(node, kernel, version!.Value, graph.ImplicitInputsOf(node)) { Prepared = prepared });
        }

        foreach (var step in Steps)
            foreach (var input in step.Node.Input.Concat(step.ImplicitInputs).Where(i => i.Length > 0).Distinct(StringComparer.Ordinal))
                Readers[input] = Readers.GetValueOrDefault(input) + 1;
        foreach (var output in graph.Graph.Output)
            Pinned.Add(output.Name);

        // Runs without an observer take the fused steps; an observer must see every value, so it gets the plain ones.
        var groups = ConvFusion.Find(Steps, Constants, Readers, Pinned);
        var absorbed = groups.Values.SelectMany(g => g.Members).ToHashSet();

        // Every value name gets an index: a run keeps its values in an array, not a dictionary keyed by name.
        foreach (var input in graph.Graph.Input) SlotOf(input.Name);
        foreach (var name in Constants.Keys) SlotOf(name);
        for (var i = 0; i < Steps.Count; i++) Steps[i] = Bind(Steps[i]);
        foreach (var output in graph.Graph.Output) SlotOf(output.Name);
        InitialValues = new Tensor?[Slots.Count];
        foreach (var (name, value) in Constants) InitialValues[Slots[name]] = value;
        ReaderCounts = new int[Slots.Count];
        foreach (var (name, count) in Readers) ReaderCounts[Slots[name]] = count;
        Kept = new bool[Slots.Count];
        foreach (var name in Pinned.Concat(Constants.Keys)) Kept[Slots[name]] = true;
        InputSlots = graph.Graph.Input.Select(i => Slots[i.Name]).ToArray();
        OutputSlots = graph.Graph.Output.Select(o => Slots[o.Name]).ToArray();

        for (var i = 0; i < Steps.Count; i++)
        {
            if (absorbed.Contains(i)) continue;
            FusedSteps.Add(groups.TryGetValue(i, out var group)
                ? Steps[i] with
                {
                    Fusion = group,
                    Tail = group.Members.Select(m => Steps[m]).ToArray(),
                    FusionOutputSlot = SlotOf(group.Output),
                    ExternalSlots = group.Externals.Select(SlotOf).ToArray(),
                    TailReadSlots = group.Members.SelectMany(m => Steps[m].ReadSlots).ToArray(),
                }
                : Steps[i]);
        }

        // A depthwise Conv whose output only the next step (a 1×1 Conv) reads runs inside it, band by band.
        for (var i = FusedSteps.Count - 2; i >= 0 && pairDepthwise; i--)
            if (DepthwisePairing.Pairs(FusedSteps[i], FusedSteps[i + 1], Constants, Readers, Pinned))
            {
                FusedSteps[i + 1] = FusedSteps[i + 1] with { Prelude = FusedSteps[i] };
                FusedSteps.RemoveAt(i);
            }
    }

    private int SlotOf(string name)
    {
        if (!Slots.TryGetValue(name, out var slot)) Slots[name] = slot = Slots.Count;
        return slot;
    }

    private PlanStep Bind(PlanStep step) => step with
    {
        InputSlots = step.Node.Input.Select(n => n.Length == 0 ? -1 : SlotOf(n)).ToArray(),
        OutputSlots = step.Node.Output.Select(n => n.Length == 0 ? -1 : SlotOf(n)).ToArray(),
        ReadSlots = step.Reads.Select(SlotOf).ToArray(),
    };

    public GraphIndex Graph { get; }

    public List<PlanStep> Steps { get; } = [];

    /// <summary><see cref="Steps"/> with each fusable Conv carrying the elementwise nodes after it (for runs without an observer).</summary>
    public List<PlanStep> FusedSteps { get; } = [];

    /// <summary>Initializers and, once folded, Constant-node outputs: never pooled, alive for the whole run.</summary>
    public Dictionary<string, Tensor> Constants { get; } = new(StringComparer.Ordinal);

    /// <summary>Constant nodes folded into <see cref="Constants"/>, so observers can still be shown them.</summary>
    public List<(string Name, NodeProto Node)> FoldedConstants { get; } = [];

    /// <summary>How many nodes of this graph read each value (a node reading a value twice counts once).</summary>
    public Dictionary<string, int> Readers { get; } = new(StringComparer.Ordinal);

    /// <summary>Graph outputs: handed to the caller, so never released.</summary>
    public HashSet<string> Pinned { get; } = new(StringComparer.Ordinal);

    /// <summary>The index of every value this graph names (its inputs, constants, node inputs and outputs, outputs).</summary>
    public Dictionary<string, int> Slots { get; } = new(StringComparer.Ordinal);

    /// <summary>A run's values before anything runs: the constants in their slots, null elsewhere.</summary>
    public Tensor?[] InitialValues { get; }

    /// <summary><see cref="Readers"/> by slot (0 for values no node of this graph reads).</summary>
    public int[] ReaderCounts { get; }

    /// <summary>Slots never released: graph outputs and constants.</summary>
    public bool[] Kept { get; }

    public int[] InputSlots { get; }

    public int[] OutputSlots { get; }

    public GraphPlan Child(GraphProto graph) => _children[graph];
}

/// <summary>One node with its kernel and the operator version it runs at.</summary>
internal sealed record PlanStep(NodeProto Node, IKernel Kernel, int Version, IReadOnlyList<string> ImplicitInputs)
{
    /// <summary>The kernel's per-node state from <see cref="IPreparedKernel.Prepare"/>, if any.</summary>
    public object? Prepared { get; init; }

    /// <summary>The node's attributes, wrapped once per plan.</summary>
    public NodeAttributes Attributes { get; } = new(Node);

    /// <summary>Elementwise nodes this step may run as its epilogue, and their steps (run one by one if it cannot).</summary>
    public FusedGroup? Fusion { get; init; }

    public PlanStep[] Tail { get; init; } = [];

    /// <summary>The values whose reader count drops once this node has run: its inputs, each once.</summary>
    public string[] Reads { get; } = Node.Input.Concat(ImplicitInputs).Where(n => n.Length > 0).Distinct(StringComparer.Ordinal).ToArray();

    /// <summary>Slot of each node input (-1 for an absent optional input).</summary>
    public int[] InputSlots { get; init; } = [];

    /// <summary>Slot of each node output (-1 for an unused optional output).</summary>
    public int[] OutputSlots { get; init; } = [];

    /// <summary><see cref="Reads"/> as slots.</summary>
    public int[] ReadSlots { get; init; } = [];

    /// <summary>With <see cref="Fusion"/>: the slot of the group's result, of its external operands, and the members' reads.</summary>
    public int FusionOutputSlot { get; init; } = -1;

    public int[] ExternalSlots { get; init; } = [];

    public int[] TailReadSlots { get; init; } = [];

    /// <summary>A depthwise Conv step run first inside this one (its output is this step's input 0, read by nothing else).</summary>
    public PlanStep? Prelude { get; init; }
}

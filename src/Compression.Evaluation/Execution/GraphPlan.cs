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

    public GraphPlan(GraphIndex graph, ModelIndex model, KernelRegistry registry, List<UnsupportedNode> unsupported)
    {
        Graph = graph;
        foreach (var init in graph.Graph.Initializer)
            Constants[init.Name] = TensorConversion.FromProto(init);

        foreach (var node in graph.TopologicalOrder)
        {
            foreach (var sub in graph.SubgraphsOf(node))
                _children[sub.Index.Graph] = new GraphPlan(sub.Index, model, registry, unsupported);

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
            Steps.Add(new PlanStep(node, kernel, version!.Value, graph.ImplicitInputsOf(node)));
        }

        foreach (var step in Steps)
            foreach (var input in step.Node.Input.Concat(step.ImplicitInputs).Where(i => i.Length > 0).Distinct(StringComparer.Ordinal))
                Readers[input] = Readers.GetValueOrDefault(input) + 1;
        foreach (var output in graph.Graph.Output)
            Pinned.Add(output.Name);
    }

    public GraphIndex Graph { get; }

    public List<PlanStep> Steps { get; } = [];

    /// <summary>Initializers and, once folded, Constant-node outputs: never pooled, alive for the whole run.</summary>
    public Dictionary<string, Tensor> Constants { get; } = new(StringComparer.Ordinal);

    /// <summary>Constant nodes folded into <see cref="Constants"/>, so observers can still be shown them.</summary>
    public List<(string Name, NodeProto Node)> FoldedConstants { get; } = [];

    /// <summary>How many nodes of this graph read each value (a node reading a value twice counts once).</summary>
    public Dictionary<string, int> Readers { get; } = new(StringComparer.Ordinal);

    /// <summary>Graph outputs: handed to the caller, so never released.</summary>
    public HashSet<string> Pinned { get; } = new(StringComparer.Ordinal);

    public GraphPlan Child(GraphProto graph) => _children[graph];
}

/// <summary>One node with its kernel and the operator version it runs at.</summary>
internal sealed record PlanStep(NodeProto Node, IKernel Kernel, int Version, IReadOnlyList<string> ImplicitInputs);

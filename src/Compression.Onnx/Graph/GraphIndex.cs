using Compression.Onnx.Protobuf;

namespace Compression.Onnx.Graph;

/// <summary>A subgraph held by a node attribute (If branches, Loop and Scan bodies, any graph-valued attribute).</summary>
public sealed record Subgraph(NodeProto Owner, string AttributeName, GraphIndex Index);

/// <summary>
/// Lookups over one graph that every pass needs: who produces a value, who consumes it, which values are initializers,
/// declared types, a topological order, and the subgraphs below each node. Subgraphs may read values of the graphs
/// around them; such a read counts as an (implicit) use by the node that owns the subgraph, so that a pass which
/// replaces a value in the outer graph sees every reader. The index is a snapshot: rebuild it after changing the graph.
/// </summary>
public sealed class GraphIndex : IGraphView
{
    private readonly Dictionary<string, NodeProto> _producers = new(StringComparer.Ordinal);
    private readonly Dictionary<string, List<NodeProto>> _consumers = new(StringComparer.Ordinal);
    private readonly Dictionary<string, TensorProto> _initializers = new(StringComparer.Ordinal);
    private readonly Dictionary<string, ValueInfoProto> _valueInfos = new(StringComparer.Ordinal);
    private readonly Dictionary<NodeProto, List<Subgraph>> _subgraphs = new(ReferenceEqualityComparer.Instance);
    private readonly Dictionary<NodeProto, IReadOnlyList<string>> _implicitInputs = new(ReferenceEqualityComparer.Instance);
    private readonly HashSet<string> _graphInputs = new(StringComparer.Ordinal);

    public GraphIndex(GraphProto graph, GraphIndex? parent = null, NodeProto? owner = null, int depth = 0)
    {
        Depth = NestingLimit.Check(depth);
        Graph = graph;
        Parent = parent;
        Owner = owner;

        foreach (var init in graph.Initializer) _initializers.TryAdd(init.Name, init);
        foreach (var input in graph.Input) _graphInputs.Add(input.Name);
        foreach (var vi in graph.Input.Concat(graph.Output).Concat(graph.ValueInfo))
            if (!string.IsNullOrEmpty(vi.Name)) _valueInfos.TryAdd(vi.Name, vi);

        foreach (var node in graph.Node)
        {
            foreach (var output in node.Output)
                if (output.Length > 0) _producers.TryAdd(output, node);
            foreach (var attr in node.Attribute)
            {
                if (attr.G is not null) AddSubgraph(node, attr.Name, attr.G);
                foreach (var g in attr.Graphs) AddSubgraph(node, attr.Name, g);
            }
        }
        foreach (var node in graph.Node)
        {
            foreach (var input in node.Input)
                if (input.Length > 0) AddConsumer(input, node);
            var implicitInputs = ImplicitInputsOf(node);
            _implicitInputs[node] = implicitInputs;
            foreach (var input in implicitInputs) AddConsumer(input, node);
        }
        TopologicalOrder = SortTopologically();
    }

    public GraphProto Graph { get; }

    /// <summary>The graph around this one, or null for the main graph.</summary>
    public GraphIndex? Parent { get; }

    /// <summary>The node whose attribute holds this graph, or null for the main graph.</summary>
    public NodeProto? Owner { get; }

    public int Depth { get; }

    public IReadOnlyDictionary<string, TensorProto> Initializers => _initializers;

    public IReadOnlyDictionary<string, ValueInfoProto> ValueInfos => _valueInfos;

    /// <summary>Nodes such that every node comes after the producers of everything it reads (ties keep file order).</summary>
    public IReadOnlyList<NodeProto> TopologicalOrder { get; }

    public NodeProto? ProducerOf(string value) => _producers.GetValueOrDefault(value);

    IGraphView? IGraphView.Outer => Parent;

    public TensorProto? InitializerOf(string name) => _initializers.GetValueOrDefault(name);

    public bool IsGraphInput(string name) => _graphInputs.Contains(name);

    /// <summary>Nodes of this graph that read <paramref name="value"/>, directly or from inside one of their subgraphs.</summary>
    public IReadOnlyList<NodeProto> ConsumersOf(string value) =>
        _consumers.TryGetValue(value, out var list) ? list : [];

    public IReadOnlyList<Subgraph> SubgraphsOf(NodeProto node) =>
        _subgraphs.TryGetValue(node, out var list) ? list : [];

    /// <summary>Values of this graph or an outer one that the node's subgraphs read without declaring them.</summary>
    public IReadOnlyList<string> ImplicitInputsOf(NodeProto node)
    {
        if (_implicitInputs.TryGetValue(node, out var known)) return known;
        var result = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var sub in SubgraphsOf(node))
            foreach (var name in sub.Index.FreeValues()) result.Add(name);
        return result.ToList();
    }

    /// <summary>Every graph at or below this one, depth first, this one first.</summary>
    public IEnumerable<GraphIndex> SelfAndDescendants()
    {
        yield return this;
        foreach (var node in Graph.Node)
            foreach (var sub in SubgraphsOf(node))
                foreach (var g in sub.Index.SelfAndDescendants()) yield return g;
    }

    /// <summary>Whether <paramref name="value"/> is defined in this graph: an input, an initializer or a node output.</summary>
    public bool Defines(string value) =>
        _producers.ContainsKey(value) || _initializers.ContainsKey(value) || _graphInputs.Contains(value);

    /// <summary>Values this graph (and the graphs inside it) read but do not define: they come from outer scopes.</summary>
    internal IEnumerable<string> FreeValues()
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var node in Graph.Node)
        {
            foreach (var input in node.Input.Concat(ImplicitInputsOf(node)))
                if (input.Length > 0 && !Defines(input) && seen.Add(input)) yield return input;
        }
        foreach (var output in Graph.Output)
            if (!Defines(output.Name) && seen.Add(output.Name)) yield return output.Name;
    }

    private void AddSubgraph(NodeProto node, string attributeName, GraphProto graph)
    {
        if (!_subgraphs.TryGetValue(node, out var list)) _subgraphs[node] = list = [];
        list.Add(new Subgraph(node, attributeName, new GraphIndex(graph, this, node, Depth + 1)));
    }

    private void AddConsumer(string value, NodeProto node)
    {
        if (!_consumers.TryGetValue(value, out var list)) _consumers[value] = list = [];
        if (list.Count == 0 || !ReferenceEquals(list[^1], node)) list.Add(node);
    }

    private List<NodeProto> SortTopologically() =>
        TopologicalSort.Order(Graph, node => node.Input.Concat(ImplicitInputsOf(node)), ProducerOf);
}

using Compression.Onnx.Graph;
using Compression.Onnx.Protobuf;

namespace Compression.Onnx.Editing;

/// <summary>
/// One graph under edit, with its producers, readers and initializers kept current through every change made here,
/// so a pass looks values up as it rewrites instead of rebuilding an index after each step. Changes must go through
/// the editor (a direct write to a node's inputs is not seen). A node whose subgraph reads a value of this graph, or of
/// one around it, is one of that value's consumers (as in <see cref="GraphIndex"/>): replacing or removing the value
/// then accounts for the subgraph too. Readers are listed in the order they came to read the value.
/// </summary>
public sealed class GraphEditor : IGraphView
{
    private readonly Dictionary<string, NodeProto> _producers = new(StringComparer.Ordinal);
    private readonly Dictionary<string, List<NodeProto>> _readers = new(StringComparer.Ordinal);
    private readonly Dictionary<string, TensorProto> _initializers = new(StringComparer.Ordinal);
    private readonly Dictionary<NodeProto, List<GraphEditor>> _subgraphs = new(ReferenceEqualityComparer.Instance);

    internal GraphEditor(ModelEditor model, GraphProto graph, GraphEditor? parent, NodeProto? owner, int depth)
    {
        Depth = NestingLimit.Check(depth);
        Model = model;
        Graph = graph;
        Parent = parent;
        Owner = owner;
        foreach (var init in graph.Initializer) _initializers.TryAdd(init.Name, init);
        // The model's names were all taken when its editor began; only what is added later is reserved.
        foreach (var node in graph.Node) Track(node, reserve: false);
    }

    public ModelEditor Model { get; }

    public GraphProto Graph { get; }

    /// <summary>The graph around this one, or null for the main graph.</summary>
    public GraphEditor? Parent { get; }

    IGraphView? IGraphView.Outer => Parent;

    /// <summary>The node whose attribute holds this graph, or null for the main graph.</summary>
    public NodeProto? Owner { get; }

    public int Depth { get; }

    public NodeProto? ProducerOf(string value) => _producers.GetValueOrDefault(value);

    public TensorProto? InitializerOf(string name) => _initializers.GetValueOrDefault(name);

    public bool IsGraphInput(string name) => Graph.Input.Any(i => i.Name == name);

    public bool IsGraphOutput(string name) => Graph.Output.Any(o => o.Name == name);

    /// <summary>Whether <paramref name="value"/> is defined in this graph: an input, an initializer or a node output.</summary>
    public bool Defines(string value) => _producers.ContainsKey(value) || _initializers.ContainsKey(value) || IsGraphInput(value);

    /// <summary>Nodes of this graph that read <paramref name="value"/>: directly first, then those whose subgraphs read it.</summary>
    public IReadOnlyList<NodeProto> ConsumersOf(string value)
    {
        var result = new List<NodeProto>(_readers.GetValueOrDefault(value) ?? []);
        foreach (var (node, subgraphs) in _subgraphs)
            if (!result.Contains(node, ReferenceEqualityComparer.Instance) && subgraphs.Any(s => s.ReadsFromOutside(value))) result.Add(node);
        return result;
    }

    /// <summary>Whether anything reads the value: a node of this graph, a subgraph, or this graph's outputs.</summary>
    public bool IsUsed(string value) => IsGraphOutput(value) || ConsumersOf(value).Count > 0;

    /// <summary>The editors of the graphs the node holds in its attributes (If branches, Loop and Scan bodies).</summary>
    public IReadOnlyList<GraphEditor> SubgraphsOf(NodeProto node) => _subgraphs.GetValueOrDefault(node) ?? [];

    /// <summary>Every graph at or below this one, depth first, this one first.</summary>
    public IEnumerable<GraphEditor> SelfAndDescendants()
    {
        yield return this;
        foreach (var node in Graph.Node)
            foreach (var sub in SubgraphsOf(node))
                foreach (var g in sub.SelfAndDescendants()) yield return g;
    }

    /// <summary>The editor of the graph that defines <paramref name="weight"/>: this one or one around it.</summary>
    public GraphEditor DefiningGraphOf(ConstantWeight weight)
    {
        for (var g = this; g is not null; g = g.Parent)
            if (ReferenceEquals(g, weight.DefiningGraph)) return g;
        throw new InvalidOperationException($"'{weight.Name}' was not found through this graph's editor.");
    }

    public ConstantWeight? FindConstant(string name) => ConstantWeights.Find(this, name);

    public void AddNode(NodeProto node) => InsertNode(Graph.Node.Count, node);

    public void InsertNode(int index, NodeProto node)
    {
        Graph.Node.Insert(index, node);
        Track(node);
    }

    /// <summary>Inserts the nodes at <paramref name="index"/> in the order given.</summary>
    public void InsertNodes(int index, IEnumerable<NodeProto> nodes)
    {
        foreach (var node in nodes) InsertNode(index++, node);
    }

    public void InsertBefore(NodeProto anchor, NodeProto node) => InsertNode(IndexOf(anchor), node);

    public void InsertAfter(NodeProto anchor, NodeProto node) => InsertNode(IndexOf(anchor) + 1, node);

    public void RemoveNode(NodeProto node)
    {
        Graph.Node.RemoveAt(IndexOf(node));
        Untrack(node);
    }

    /// <summary>Puts <paramref name="replacement"/> where <paramref name="node"/> stood.</summary>
    public void ReplaceNode(NodeProto node, NodeProto replacement)
    {
        var index = IndexOf(node);
        Untrack(node);
        Graph.Node[index] = replacement;
        Track(replacement);
    }

    /// <summary>
    /// Makes <paramref name="nodes"/> the graph's node list, in that order: nodes not in it are removed, new ones added.
    /// For passes that rebuild the order once (a node's replacement written where it stood) rather than insert one by one.
    /// </summary>
    public void SetNodes(IReadOnlyList<NodeProto> nodes)
    {
        var kept = new HashSet<NodeProto>(nodes, ReferenceEqualityComparer.Instance);
        var before = new HashSet<NodeProto>(Graph.Node, ReferenceEqualityComparer.Instance);
        foreach (var node in Graph.Node.Where(n => !kept.Contains(n)).ToList()) Untrack(node);
        Graph.Node.Clear();
        Graph.Node.Add(nodes);
        foreach (var node in nodes.Where(n => !before.Contains(n))) Track(node);
    }

    /// <summary>Reorders the nodes so each comes after the producers of what it reads (ties keep the current order).</summary>
    public void SortTopologically()
    {
        var order = TopologicalSort.Order(Graph, node => node.Input.Concat(FreeReadsOf(node)), ProducerOf);
        Graph.Node.Clear();
        Graph.Node.Add(order);
    }

    public void SetInput(NodeProto node, int index, string value)
    {
        var old = node.Input[index];
        node.Input[index] = value;
        StopReadingIfGone(node, old);
        AddReader(value, node);
    }

    public void AddInput(NodeProto node, string value)
    {
        node.Input.Add(value);
        AddReader(value, node);
    }

    public void RemoveInput(NodeProto node, int index)
    {
        var old = node.Input[index];
        node.Input.RemoveAt(index);
        StopReadingIfGone(node, old);
    }

    public void RemoveOutput(NodeProto node, int index)
    {
        var old = node.Output[index];
        node.Output.RemoveAt(index);
        if (_producers.TryGetValue(old, out var producer) && ReferenceEquals(producer, node) && !node.Output.Contains(old)) _producers.Remove(old);
    }

    public void SetOutput(NodeProto node, int index, string value)
    {
        var old = node.Output[index];
        node.Output[index] = value;
        if (_producers.TryGetValue(old, out var producer) && ReferenceEquals(producer, node) && !node.Output.Contains(old)) _producers.Remove(old);
        // The node now writes the value whoever wrote it before (a node about to be removed hands its output over).
        if (value.Length > 0) _producers[value] = node;
        Model.Names.Reserve(value);
    }

    /// <summary>
    /// Makes every reader of <paramref name="value"/> read <paramref name="replacement"/> instead: the nodes of this graph
    /// and, inside subgraphs that read it from here, their nodes and outputs. This graph's own outputs keep their names
    /// (they are its interface); a caller that means to rename one renames its producer's output too.
    /// </summary>
    public void ReplaceAllUses(string value, string replacement)
    {
        foreach (var node in _readers.GetValueOrDefault(value)?.ToList() ?? [])
            for (var i = 0; i < node.Input.Count; i++)
                if (node.Input[i] == value) SetInput(node, i, replacement);
        foreach (var subgraph in _subgraphs.Values.SelectMany(s => s).ToList())
            subgraph.ReplaceOutsideUses(value, replacement);
    }

    public void AddInitializer(TensorProto tensor)
    {
        Graph.Initializer.Add(tensor);
        _initializers.TryAdd(tensor.Name, tensor);
        Model.Names.Reserve(tensor.Name);
    }

    /// <summary>
    /// Adds a constant where the model's IR keeps constants (<see cref="ConstantStorage"/>): an initializer, or before
    /// IR 4 a Constant node named <paramref name="nodeName"/> at the front of the graph.
    /// </summary>
    public void AddConstant(TensorProto tensor, string nodeName)
    {
        if (ConstantStorage.UsesInitializers(Model.Model)) AddInitializer(tensor);
        else InsertNode(0, ConstantStorage.ConstantNode(tensor, nodeName));
    }

    /// <summary>
    /// Removes a constant nothing reads any more — an initializer (with the graph input of its name, before IR 4 an
    /// initializer's declaration) or a Constant node — and returns whether it did. A value a node, a subgraph or a graph
    /// output reads stays; so does a value that is neither (a graph input, a computed value).
    /// </summary>
    public bool RemoveIfUnused(string value)
    {
        if (IsUsed(value)) return false;
        if (_initializers.Remove(value, out var init))
        {
            Graph.Initializer.Remove(init);
            var input = Graph.Input.FirstOrDefault(i => i.Name == value);
            if (input is not null) Graph.Input.Remove(input);
            return true;
        }
        if (ProducerOf(value) is { OpType: "Constant" } constant && constant.Domain is "" or "ai.onnx" && constant.Output.All(o => !IsUsed(o)))
        {
            RemoveNode(constant);
            return true;
        }
        return false;
    }

    private int IndexOf(NodeProto node)
    {
        for (var i = 0; i < Graph.Node.Count; i++)
            if (ReferenceEquals(Graph.Node[i], node)) return i;
        throw new InvalidOperationException($"{node.OpType} node '{node.Name}' is not in graph '{Graph.Name}'.");
    }

    private void Track(NodeProto node, bool reserve = true)
    {
        foreach (var output in node.Output)
            if (output.Length > 0) _producers.TryAdd(output, node);
        foreach (var input in node.Input) AddReader(input, node);
        foreach (var attr in node.Attribute)
        {
            if (attr.G is not null) AddSubgraph(node, attr.G);
            foreach (var g in attr.Graphs) AddSubgraph(node, g);
        }
        if (reserve) Model.Names.Reserve(node);
    }

    private void Untrack(NodeProto node)
    {
        foreach (var output in node.Output)
            if (_producers.TryGetValue(output, out var producer) && ReferenceEquals(producer, node)) _producers.Remove(output);
        foreach (var input in node.Input)
            if (_readers.TryGetValue(input, out var list)) list.RemoveAll(n => ReferenceEquals(n, node));
        _subgraphs.Remove(node);
    }

    private void AddSubgraph(NodeProto node, GraphProto graph)
    {
        if (!_subgraphs.TryGetValue(node, out var list)) _subgraphs[node] = list = [];
        list.Add(new GraphEditor(Model, graph, this, node, Depth + 1));
    }

    private void AddReader(string value, NodeProto node)
    {
        if (value.Length == 0) return;
        if (!_readers.TryGetValue(value, out var list)) _readers[value] = list = [];
        if (!list.Contains(node, ReferenceEqualityComparer.Instance)) list.Add(node);
    }

    private void StopReadingIfGone(NodeProto node, string value)
    {
        if (node.Input.Contains(value) || !_readers.TryGetValue(value, out var list)) return;
        list.RemoveAll(n => ReferenceEquals(n, node));
    }

    /// <summary>Whether this graph (or one inside it) reads <paramref name="value"/> without defining it here.</summary>
    private bool ReadsFromOutside(string value)
    {
        if (Defines(value)) return false;
        if (_readers.TryGetValue(value, out var list) && list.Count > 0) return true;
        return IsGraphOutput(value) || _subgraphs.Values.Any(s => s.Any(g => g.ReadsFromOutside(value)));
    }

    private IEnumerable<string> FreeReadsOf(NodeProto node) =>
        SubgraphsOf(node).SelectMany(s => s.FreeValues()).Distinct(StringComparer.Ordinal);

    private IEnumerable<string> FreeValues()
    {
        foreach (var value in _readers.Keys.Concat(Graph.Output.Select(o => o.Name)))
            if (!Defines(value) && ReadsFromOutside(value)) yield return value;
        foreach (var value in _subgraphs.Values.SelectMany(s => s).SelectMany(g => g.FreeValues()))
            if (!Defines(value)) yield return value;
    }

    private void ReplaceOutsideUses(string value, string replacement)
    {
        if (!ReadsFromOutside(value)) return;
        if (Defines(replacement))
            throw new InvalidOperationException($"graph '{Graph.Name}' defines '{replacement}' itself: its readers of '{value}' cannot be moved to it.");
        ReplaceAllUses(value, replacement);
        foreach (var output in Graph.Output)
            if (output.Name == value) output.Name = replacement;
    }
}

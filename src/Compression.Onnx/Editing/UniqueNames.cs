using Compression.Onnx.Protobuf;

namespace Compression.Onnx.Editing;

/// <summary>
/// Hands out value and node names that no graph of the model uses yet (the main graph and every subgraph: a subgraph
/// may read outer names, so a new outer name must not collide with an inner one), derived readably from a base name.
/// </summary>
public sealed class UniqueNames
{
    private readonly HashSet<string> _used = new(StringComparer.Ordinal);

    public UniqueNames(ModelProto model)
    {
        if (model.Graph is not null) AddGraph(model.Graph);
    }

    public string Next(string baseName)
    {
        if (_used.Add(baseName)) return baseName;
        for (var i = 1; ; i++)
            if (_used.Add($"{baseName}_{i}")) return $"{baseName}_{i}";
    }

    /// <summary>Marks a name as taken: the editor calls it for every node it adds, whatever named it.</summary>
    public void Reserve(string name) => _used.Add(name);

    /// <summary>Marks a node's name, its outputs and every name inside its subgraphs as taken.</summary>
    public void Reserve(NodeProto node)
    {
        _used.Add(node.Name);
        foreach (var o in node.Output) _used.Add(o);
        foreach (var attr in node.Attribute)
        {
            if (attr.G is not null) AddGraph(attr.G);
            foreach (var g in attr.Graphs) AddGraph(g);
        }
    }

    private void AddGraph(GraphProto graph)
    {
        foreach (var v in graph.Input) _used.Add(v.Name);
        foreach (var v in graph.Output) _used.Add(v.Name);
        foreach (var t in graph.Initializer) _used.Add(t.Name);
        foreach (var node in graph.Node) Reserve(node);
    }
}

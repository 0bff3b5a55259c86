using Compression.Onnx.Protobuf;

namespace Compression.Engine.Graphs;

/// <summary>Hands out value and node names that no graph of the model uses yet, derived readably from an existing name.</summary>
internal sealed class UniqueNames
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

    private void AddGraph(GraphProto graph)
    {
        foreach (var v in graph.Input) _used.Add(v.Name);
        foreach (var v in graph.Output) _used.Add(v.Name);
        foreach (var t in graph.Initializer) _used.Add(t.Name);
        foreach (var node in graph.Node)
        {
            _used.Add(node.Name);
            foreach (var o in node.Output) _used.Add(o);
            foreach (var attr in node.Attribute)
            {
                if (attr.G is not null) AddGraph(attr.G);
                foreach (var g in attr.Graphs) AddGraph(g);
            }
        }
    }
}

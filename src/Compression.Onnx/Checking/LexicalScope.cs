namespace Compression.Onnx.Checking;

/// <summary>
/// The values visible at one point of a graph: those the graph itself has defined so far, and, through the parent chain,
/// those its enclosing graphs had defined before the node that owns it. A subgraph is checked while its owner is being
/// visited, before the owner's outputs are added, so a parent scope seen from a subgraph holds exactly the values defined
/// before that node. Inner names are added only to the inner scope, so they never become visible outside.
/// </summary>
internal sealed class LexicalScope
{
    private readonly HashSet<string> _names = new(StringComparer.Ordinal);

    public LexicalScope(LexicalScope? parent = null) => Parent = parent;

    public LexicalScope? Parent { get; }

    public void Add(string name) => _names.Add(name);

    public bool DefinesHere(string name) => _names.Contains(name);

    public bool IsVisible(string name)
    {
        for (var scope = this; scope is not null; scope = scope.Parent)
            if (scope._names.Contains(name)) return true;
        return false;
    }
}

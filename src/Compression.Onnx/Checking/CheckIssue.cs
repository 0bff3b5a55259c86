namespace Compression.Onnx.Checking;

/// <summary>
/// One structural problem in a model.
/// </summary>
/// <param name="Rule">A short, stable id of the rule that failed (see <see cref="CheckRules"/>), for tests and filters.</param>
/// <param name="Message">A sentence for a person that names the graph, node or value concerned.</param>
/// <param name="Location">Where the problem is: <c>graph 'main'</c>, <c>graph 'main' / node 3 (If 'cond') / attribute 'then_branch'</c>, ...</param>
/// <param name="NodeIndex">The index of the node in its own graph (or function), when the problem is about a node.</param>
public sealed record CheckIssue(string Rule, string Message, string Location, int? NodeIndex = null)
{
    public override string ToString() => $"[{Rule}] {Location}: {Message}";
}

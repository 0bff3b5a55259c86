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
    /// <summary>
    /// A deviation from the format that ONNX Runtime accepts and the engine repairs when it loads the model (see
    /// <see cref="CheckRules.Repairable"/>), as opposed to an error that makes the model unusable.
    /// </summary>
    public bool IsRepairable => CheckRules.Repairable.Contains(Rule);

    public override string ToString() => $"[{Rule}] {Location}: {Message}";
}

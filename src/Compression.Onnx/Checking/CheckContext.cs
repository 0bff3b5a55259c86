using Compression.Onnx.Protobuf;

namespace Compression.Onnx.Checking;

/// <summary>
/// What the rules need to know about where they are: the model's IR version, the opset imports in force (the model's,
/// or a function's own), whether this is the main graph or a function body, a readable location, and the list issues go to.
/// A context is cheap and immutable apart from the shared issue list; descending into a subgraph or a node makes a new one.
/// </summary>
internal sealed record CheckContext(
    long IrVersion,
    OpsetImports Opsets,
    List<CheckIssue> Issues,
    string Location,
    bool IsMainGraph,
    bool InFunction)
{
    public void Report(string rule, string message, int? nodeIndex = null) =>
        Issues.Add(new CheckIssue(rule, message, Location, nodeIndex));

    public CheckContext At(string location) => this with { Location = location };

    public CheckContext ForSubgraph(string location) => this with { Location = location, IsMainGraph = false };

    public static string Describe(NodeProto node, int index) =>
        node.Name.Length > 0 ? $"node {index} ({node.OpType} '{node.Name}')" : $"node {index} ({node.OpType})";
}

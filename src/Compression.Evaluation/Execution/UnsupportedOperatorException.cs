using Compression.Onnx.Diagnostics;

namespace Compression.Evaluation.Execution;

/// <summary>One node the executor has no kernel for, with what it would need.</summary>
public sealed record UnsupportedNode(string NodeName, string Domain, string OpType, long Opset, string Reason);

/// <summary>Raised before any work starts when a model holds nodes the executor cannot run; lists all of them.</summary>
public sealed class UnsupportedOperatorException : CompressionException
{
    public UnsupportedOperatorException(IReadOnlyList<UnsupportedNode> nodes, string? file)
        : base(EvaluationErrorCodes.OperatorUnsupported, Describe(nodes), file)
    {
        Nodes = nodes;
    }

    public IReadOnlyList<UnsupportedNode> Nodes { get; }

    private static string Describe(IReadOnlyList<UnsupportedNode> nodes)
    {
        var distinct = nodes.GroupBy(n => (n.Domain, n.OpType, n.Opset)).ToList();
        var listed = distinct.Take(5).Select(g =>
        {
            var first = g.First();
            var domain = first.Domain.Length == 0 ? "" : first.Domain + ":";
            return $"{domain}{first.OpType} at opset {first.Opset} ({first.Reason}; {g.Count()} node(s), first '{first.NodeName}')";
        });
        var more = distinct.Count > 5 ? $" and {distinct.Count - 5} more" : "";
        return $"the executor cannot run this model: {string.Join("; ", listed)}{more}.";
    }
}

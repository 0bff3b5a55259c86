using Compression.Onnx.Diagnostics;
using Compression.Onnx.Protobuf;

namespace Compression.Evaluation.Execution;

/// <summary>A node that cannot run on its inputs (bad attribute, mismatched shapes): named by node and operator.</summary>
public sealed class KernelException : CompressionException
{
    public KernelException(NodeProto node, string message, Exception? inner = null)
        : base(EvaluationErrorCodes.NodeFailed, $"node {Describe(node)}: {message}.", null, inner)
    {
    }

    public static string Describe(NodeProto node) =>
        string.IsNullOrEmpty(node.Name) ? $"{node.OpType} -> {string.Join(", ", node.Output)}" : $"'{node.Name}' ({node.OpType})";
}

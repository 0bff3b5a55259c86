using Compression.Evaluation.Operators;
using Compression.Evaluation.Tensors;
using Compression.Onnx.Graph;
using Compression.Onnx.Protobuf;

namespace Compression.Evaluation.Execution;

/// <summary>
/// Runs one node's kernel on constant inputs, outside any run: graph rewrites that compute values ahead of time
/// (constant folding) use exactly the kernels that shape inference folds with and the executor runs, so a folded value
/// is the value the executor would have computed.
/// </summary>
public static class NodeEvaluator
{
    /// <summary>
    /// The node's outputs (an entry is null where the kernel leaves an optional output unset), or null when no kernel
    /// implements the node at the model's opset (another domain, an operator or version the executor lacks). A kernel
    /// that refuses its inputs throws <see cref="KernelException"/>; a node with subgraphs cannot be evaluated here.
    /// </summary>
    public static Tensor?[]? TryEvaluate(ModelIndex model, NodeProto node, IReadOnlyList<Tensor?> inputs, KernelRegistry? registry = null)
    {
        registry ??= KernelRegistry.Default;
        var domain = ModelIndex.NormalizeDomain(node.Domain);
        if (domain.Length != 0 || model.OpsetOf(node) is not { } opset) return null;
        if (OperatorVersions.Default.Resolve(node.OpType, opset) is not { } version) return null;
        if (registry.Find(domain, node.OpType, version) is not { } kernel) return null;
        var context = KernelContext.ForFolding(node, version, inputs.ToArray());
        kernel.Execute(context);
        return context.Outputs;
    }
}

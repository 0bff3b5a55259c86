using Compression.Evaluation.Tensors;
using Compression.Onnx.Protobuf;

namespace Compression.Evaluation.Execution;

/// <summary>
/// A kernel that can do part of its work once per plan from the node's constant inputs (Conv packs its weights for the
/// matrix product). The plan keeps what <see cref="Prepare"/> returns with the node and hands it back on every run as
/// <see cref="KernelContext.Prepared"/>; the kernel itself stays a stateless singleton. The state must be immutable
/// (runs may share it) and the kernel must check it still matches its inputs (an initializer that is also a graph input
/// can be overridden by the caller).
/// </summary>
internal interface IPreparedKernel
{
    /// <summary>State for this node, or null; <paramref name="constants"/> holds each input's value when it is constant.</summary>
    object? Prepare(NodeProto node, int version, IReadOnlyList<Tensor?> constants);
}

using Compression.Evaluation.Inference;

namespace Compression.Evaluation.Execution;

/// <summary>
/// One operator version's implementation. <see cref="Infer"/> is its shape and type rule, computing no data (it may
/// read inputs whose values are constant, as Reshape reads its shape); <see cref="Execute"/> computes the outputs.
/// Kernels are stateless and shared by every node and thread.
/// </summary>
public interface IKernel
{
    IReadOnlyList<ValueInfo> Infer(InferenceContext context);

    void Execute(KernelContext context);
}

using Compression.Evaluation.Execution;

namespace Compression.Evaluation.Kernels.TensorOps;

/// <summary>Registers the TensorOps kernels: one line per operator, listing the operator versions it implements.</summary>
internal static class TensorOpsKernels
{
    public static void Register(KernelRegistry registry)
    {
    }
}

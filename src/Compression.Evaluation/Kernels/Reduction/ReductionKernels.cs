using Compression.Evaluation.Execution;

namespace Compression.Evaluation.Kernels.Reduction;

/// <summary>Registers the Reduction kernels: one line per operator, listing the operator versions it implements.</summary>
internal static class ReductionKernels
{
    public static void Register(KernelRegistry registry)
    {
    }
}

using Compression.Evaluation.Execution;

namespace Compression.Evaluation.Kernels.ControlFlow;

/// <summary>Registers the ControlFlow kernels: one line per operator, listing the operator versions it implements.</summary>
internal static class ControlFlowKernels
{
    public static void Register(KernelRegistry registry)
    {
    }
}

using Compression.Evaluation.Execution;

namespace Compression.Evaluation.Kernels.ControlFlow;

/// <summary>Registers the ControlFlow kernels: one line per operator, listing the operator versions it implements.</summary>
internal static class ControlFlowKernels
{
    public static void Register(KernelRegistry registry)
    {
        registry.Add("If", new If(), 1, 11, 13, 16, 19, 21);
        registry.Add("Loop", new Loop(), 1, 11, 13, 16, 19, 21);
        registry.Add("Scan", new Scan8(), 8);
        registry.Add("Scan", new Scan(), 9, 11, 16, 19, 21);
    }
}

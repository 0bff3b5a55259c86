using Compression.Evaluation.Execution;

namespace Compression.Evaluation.Kernels.MathOps;

/// <summary>
/// Registers the math kernels that belong to no other family: one line per operator, listing the operator versions it
/// implements. Gelu takes float16 and bfloat16 through its float form, rounded once.
/// </summary>
internal static class MathOpsKernels
{
    public static void Register(KernelRegistry registry)
    {
        registry.Add("Gelu", new Gelu(), 20);
        registry.Add("TopK", new TopK(), 1, 10, 11);
        registry.Add("Einsum", new HalfAsFloat(new Einsum()), 12);
    }
}

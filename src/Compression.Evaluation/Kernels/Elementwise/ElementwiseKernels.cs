using Compression.Evaluation.Execution;

namespace Compression.Evaluation.Kernels.Elementwise;

/// <summary>Registers the elementwise kernels: one line per operator, listing the operator versions it implements.</summary>
internal static class ElementwiseKernels
{
    public static void Register(KernelRegistry registry)
    {
        registry.Add("Add", new BinaryKernel<AddOperation>(), 7, 13, 14);
        registry.Add("Sub", new BinaryKernel<SubOperation>(), 7, 13, 14);
        registry.Add("Mul", new BinaryKernel<MulOperation>(), 7, 13, 14);
        registry.Add("Div", new BinaryKernel<DivOperation>(), 7, 13, 14);
    }
}

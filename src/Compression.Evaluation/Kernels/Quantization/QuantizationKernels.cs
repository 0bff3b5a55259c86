using Compression.Evaluation.Execution;

namespace Compression.Evaluation.Kernels.Quantization;

/// <summary>Registers the quantization kernels: one line per operator, listing the operator versions it implements.</summary>
internal static class QuantizationKernels
{
    public static void Register(KernelRegistry registry)
    {
        registry.Add("DequantizeLinear", new DequantizeLinear(), 10, 13);
    }
}

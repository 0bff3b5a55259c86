using Compression.Evaluation.Execution;

namespace Compression.Evaluation.Kernels.Quantization;

/// <summary>Registers the quantization kernels: one line per operator, listing the operator versions it implements.</summary>
internal static class QuantizationKernels
{
    public static void Register(KernelRegistry registry)
    {
        registry.Add("QuantizeLinear", new QuantizeLinear(), 10, 13, 19, 21);
        registry.Add("DequantizeLinear", new DequantizeLinear(), 10, 13, 19, 21);
        registry.Add("DynamicQuantizeLinear", new DynamicQuantizeLinear(), 11);
        registry.Add("MatMulInteger", new MatMulInteger(), 10);
        registry.Add("ConvInteger", new ConvInteger(), 10);
        registry.Add("QLinearMatMul", new QLinearMatMul(), 10, 21);
        registry.Add("QLinearConv", new QLinearConv(), 10);
    }
}

using Compression.Evaluation.Execution;

namespace Compression.Evaluation.Kernels;

/// <summary>The kernel families; each registers its own kernels, one line each.</summary>
internal static class KernelFamilies
{
    public static void RegisterAll(KernelRegistry registry)
    {
        Elementwise.ElementwiseKernels.Register(registry);
        NeuralNetwork.NeuralNetworkKernels.Register(registry);
        TensorOps.TensorOpsKernels.Register(registry);
        Reduction.ReductionKernels.Register(registry);
        ControlFlow.ControlFlowKernels.Register(registry);
        Quantization.QuantizationKernels.Register(registry);
        Recurrent.RecurrentKernels.Register(registry);
        MathOps.MathOpsKernels.Register(registry);
    }
}

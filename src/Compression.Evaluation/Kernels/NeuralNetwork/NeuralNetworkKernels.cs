using Compression.Evaluation.Execution;

namespace Compression.Evaluation.Kernels.NeuralNetwork;

/// <summary>Registers the NeuralNetwork kernels: one line per operator, listing the operator versions it implements.</summary>
internal static class NeuralNetworkKernels
{
    public static void Register(KernelRegistry registry)
    {
        registry.Add("Conv", new Conv(), 1, 11);
    }
}

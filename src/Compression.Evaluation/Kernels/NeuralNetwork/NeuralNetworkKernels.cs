using Compression.Evaluation.Execution;

namespace Compression.Evaluation.Kernels.NeuralNetwork;

/// <summary>Registers the NeuralNetwork kernels: one line per operator, listing the operator versions it implements.</summary>
internal static class NeuralNetworkKernels
{
    public static void Register(KernelRegistry registry)
    {
        registry.Add("Conv", new Conv(), 1, 11);
        registry.Add("ConvTranspose", new ConvTranspose(), 1, 11);
        registry.Add("BatchNormalization", new BatchNormalization(), 7, 9, 14, 15);
        registry.Add("InstanceNormalization", new InstanceNormalization(), 1, 6);
        registry.Add("LayerNormalization", new LayerNormalization(), 17);
        registry.Add("Gemm", new Gemm(), 1, 6, 7, 9, 11, 13);
        registry.Add("MatMul", new MatMul(), 1, 9, 13);
        registry.Add("MaxPool", new MaxPool(), 1, 8, 10, 11, 12);
        registry.Add("AveragePool", new AveragePool(), 1, 7, 10, 11);
        registry.Add("GlobalAveragePool", new GlobalAveragePool(), 1);
        registry.Add("GlobalMaxPool", new GlobalMaxPool(), 1);
        registry.Add("Softmax", new Softmax(), 1, 11, 13);
        registry.Add("LogSoftmax", new LogSoftmax(), 1, 11, 13);
    }
}

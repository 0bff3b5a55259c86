using Compression.Evaluation.Execution;
using Compression.Evaluation.Kernels.NeuralNetwork.Convolution;

namespace Compression.Evaluation.Kernels.NeuralNetwork;

/// <summary>
/// Registers the NeuralNetwork kernels: one line per operator, listing the operator versions it implements. The
/// float32-only kernels take float16 through <see cref="HalfAsFloat"/>.
/// </summary>
internal static class NeuralNetworkKernels
{
    public static void Register(KernelRegistry registry)
    {
        registry.Add("Conv", new HalfAsFloat(new Conv()), 1, 11);
        registry.Add("ConvTranspose", new HalfAsFloat(new ConvTranspose()), 1, 11);
        registry.Add("BatchNormalization", new HalfAsFloat(new BatchNormalization()), 7, 9, 14, 15);
        registry.Add("InstanceNormalization", new HalfAsFloat(new InstanceNormalization()), 1, 6);
        registry.Add("LayerNormalization", new HalfAsFloat(new LayerNormalization()), 17);
        registry.Add("Gemm", new HalfAsFloat(new Gemm()), 1, 6, 7, 9, 11, 13);
        registry.Add("MatMul", new HalfAsFloat(new MatMul()), 1, 9, 13);
        registry.Add("MaxPool", new MaxPool(), 1, 8, 10, 11, 12);
        registry.Add("AveragePool", new HalfAsFloat(new AveragePool()), 1, 7, 10, 11, 19);
        registry.Add("GlobalAveragePool", new HalfAsFloat(new GlobalAveragePool()), 1);
        registry.Add("GlobalMaxPool", new HalfAsFloat(new GlobalMaxPool()), 1);
        registry.Add("Softmax", new HalfAsFloat(new Softmax()), 1, 11, 13);
        registry.Add("LogSoftmax", new HalfAsFloat(new LogSoftmax()), 1, 11, 13);
    }
}

using Compression.Evaluation.Execution;
using Compression.Evaluation.Inference;
using Compression.Evaluation.Kernels.NeuralNetwork.Activation;

namespace Compression.Evaluation.Kernels.NeuralNetwork;

/// <summary>Softmax (1 and 11: rows of the input flattened to 2-D at 'axis', default 1; 13: along 'axis', default −1).</summary>
internal sealed class Softmax : IKernel
{
    public IReadOnlyList<ValueInfo> Infer(InferenceContext context) => SoftmaxCore.Infer(context);

    public void Execute(KernelContext context) => SoftmaxCore.Execute(context, log: false);
}

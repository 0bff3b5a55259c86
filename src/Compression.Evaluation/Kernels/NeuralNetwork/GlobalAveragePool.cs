using Compression.Evaluation.Execution;
using Compression.Evaluation.Inference;
using DataType = Compression.Onnx.Protobuf.TensorProto.Types.DataType;

namespace Compression.Evaluation.Kernels.NeuralNetwork;

/// <summary>GlobalAveragePool (1): the mean of each [N, C] plane, summed in double in order, output [N, C, 1, …].</summary>
internal sealed class GlobalAveragePool : IKernel
{
    public IReadOnlyList<ValueInfo> Infer(InferenceContext context) => GlobalPool.Infer(context);

    public void Execute(KernelContext context)
    {
        var (x, y, plane) = GlobalPool.Prepare(context);
        var xs = (float[])x.Data;
        var ys = (float[])y.Data;
        context.Parallelism.For(y.Length, p =>
        {
            var sum = 0.0;
            foreach (var v in xs.AsSpan(p * plane, plane)) sum += v;
            ys[p] = (float)(sum / plane);
        }, plane);
        context.SetOutput(0, y);
    }
}

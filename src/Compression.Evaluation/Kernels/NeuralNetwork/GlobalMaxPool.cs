using Compression.Evaluation.Execution;
using Compression.Evaluation.Inference;

namespace Compression.Evaluation.Kernels.NeuralNetwork;

/// <summary>GlobalMaxPool (1): the maximum of each [N, C] plane, output [N, C, 1, …].</summary>
internal sealed class GlobalMaxPool : IKernel
{
    public IReadOnlyList<ValueInfo> Infer(InferenceContext context) => GlobalPool.Infer(context);

    public void Execute(KernelContext context)
    {
        var (x, y, plane) = GlobalPool.Prepare(context);
        var xs = (float[])x.Data;
        var ys = (float[])y.Data;
        context.Parallelism.For(y.Length, p =>
        {
            var max = float.NegativeInfinity;
            foreach (var v in xs.AsSpan(p * plane, plane)) if (v > max || float.IsNaN(v)) max = v;
            ys[p] = max;
        }, plane);
        context.SetOutput(0, y);
    }
}

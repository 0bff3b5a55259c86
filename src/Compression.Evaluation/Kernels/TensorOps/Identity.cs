using Compression.Evaluation.Execution;
using Compression.Evaluation.Inference;

namespace Compression.Evaluation.Kernels.TensorOps;

/// <summary>Identity (1, 13, 14, 16 for tensors): the input itself; sharing the array is safe as nothing writes to inputs.</summary>
internal sealed class Identity : IKernel
{
    public IReadOnlyList<ValueInfo> Infer(InferenceContext context) =>
        [context.Input(0) ?? new ValueInfo(default, null)];

    public void Execute(KernelContext context) => context.SetOutput(0, context.Input(0));
}

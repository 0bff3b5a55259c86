using Compression.Evaluation.Execution;
using Compression.Evaluation.Inference;

namespace Compression.Evaluation.Kernels.TensorOps;

/// <summary>SpaceToDepth (1, 13): moves b×b spatial blocks of an NCHW tensor into channels (the inverse of DepthToSpace DCR).</summary>
internal sealed class SpaceToDepth : IKernel
{
    public IReadOnlyList<ValueInfo> Infer(InferenceContext context)
    {
        var input = context.Input(0);
        var type = input?.ElementType ?? default;
        if (input?.Shape is not { Length: 4 } s) return [new ValueInfo(type, TensorValues.Unknown(4))];
        var b = context.Attributes.GetInt("blocksize");
        return [new ValueInfo(type, [s[0], s[1].IsKnown ? s[1].Value * b * b : Dim.Unknown,
            s[2].IsKnown ? s[2].Value / b : Dim.Unknown, s[3].IsKnown ? s[3].Value / b : Dim.Unknown])];
    }

    public void Execute(KernelContext context)
    {
        var input = context.Input(0);
        if (input.Rank != 4) throw context.Fail($"the input must be 4-D, not {input}");
        var b = checked((int)context.Attributes.GetInt("blocksize"));
        int n = input.Shape[0], c = input.Shape[1], h = input.Shape[2], w = input.Shape[3];
        if (b <= 0 || h % b != 0 || w % b != 0) throw context.Fail($"spatial extents {h}×{w} are not multiples of blocksize {b}");
        var output = context.Allocate(input.ElementType, [n, c * b * b, h / b, w / b]);
        TransposeCore.Run(input.Data, [n, c, h / b, b, w / b, b], [0, 3, 5, 1, 2, 4], output.Data);
        context.SetOutput(0, output);
    }
}

using Compression.Evaluation.Execution;
using Compression.Evaluation.Inference;

namespace Compression.Evaluation.Kernels.TensorOps;

/// <summary>
/// DepthToSpace (1, 11, 13): moves blocks of channels into b×b spatial blocks of an NCHW tensor; mode DCR (default:
/// depth, column, row) or CRD (from version 11). Both are a reshape to 6-D, a transpose and a reshape back.
/// </summary>
internal sealed class DepthToSpace : IKernel
{
    public IReadOnlyList<ValueInfo> Infer(InferenceContext context)
    {
        var input = context.Input(0);
        var type = input?.ElementType ?? default;
        if (input?.Shape is not { Length: 4 } s) return [new ValueInfo(type, TensorValues.Unknown(4))];
        var b = context.Attributes.GetInt("blocksize");
        return [new ValueInfo(type, [s[0], s[1].IsKnown ? s[1].Value / (b * b) : Dim.Unknown,
            s[2].IsKnown ? s[2].Value * b : Dim.Unknown, s[3].IsKnown ? s[3].Value * b : Dim.Unknown])];
    }

    public void Execute(KernelContext context)
    {
        var input = context.Input(0);
        if (input.Rank != 4) throw context.Fail($"the input must be 4-D, not {input}");
        var b = checked((int)context.Attributes.GetInt("blocksize"));
        int n = input.Shape[0], c = input.Shape[1], h = input.Shape[2], w = input.Shape[3];
        if (b <= 0 || c % (b * b) != 0) throw context.Fail($"channels {c} are not a multiple of blocksize² ({b}²)");
        var crd = context.OperatorVersion >= 11 && context.Attributes.GetString("mode", "DCR") == "CRD";
        int[] shape6 = crd ? [n, c / (b * b), b, b, h, w] : [n, b, b, c / (b * b), h, w];
        int[] perm = crd ? [0, 1, 4, 2, 5, 3] : [0, 3, 4, 1, 5, 2];
        var output = context.Allocate(input.ElementType, [n, c / (b * b), h * b, w * b]);
        TransposeCore.Run(input.Data, shape6, perm, output.Data);
        context.SetOutput(0, output);
    }
}

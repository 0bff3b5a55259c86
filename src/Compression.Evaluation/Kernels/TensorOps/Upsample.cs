using Compression.Evaluation.Execution;
using Compression.Evaluation.Inference;
using Compression.Evaluation.Tensors;

namespace Compression.Evaluation.Kernels.TensorOps;

/// <summary>
/// Upsample (7 with the scales attribute, 9 with the scales input): Resize-10's behaviour (asymmetric coordinates,
/// nearest rounding down, or linear), output extent floor(input · scale).
/// </summary>
internal sealed class Upsample : IKernel
{
    public IReadOnlyList<ValueInfo> Infer(InferenceContext context)
    {
        var input = context.Input(0);
        var type = input?.ElementType ?? default;
        var scales = context.OperatorVersion < 9
            ? context.Attributes.GetFloats("scales")?.Select(f => (double)f).ToArray()
            : TensorValues.Doubles(context.Input(1)?.Constant);
        if (input?.Shape is not { } shape) return [new ValueInfo(type, null)];
        if (scales is null || scales.Length != shape.Length) return [new ValueInfo(type, TensorValues.Unknown(shape.Length))];
        return [new ValueInfo(type, shape.Select((d, i) => scales[i] == 1 ? d : d.IsKnown ? (Dim)(long)Math.Floor(d.Value * scales[i]) : Dim.Unknown).ToArray())];
    }

    public void Execute(KernelContext context)
    {
        var input = context.Input(0);
        var scales = (context.OperatorVersion < 9
            ? context.Attributes.GetFloats("scales")?.Select(f => (double)f).ToArray()
            : TensorValues.Doubles(context.Input(1))) ?? throw context.Fail("scales are required");
        var mode = Resize.Mode(context.Attributes.GetString("mode", "nearest"), false, context);
        ResizeCore.Run(context, input, ScaledShape(input.Shape, scales, context), scales,
            new ResizeOptions(mode, "asymmetric", ResizeCore.SimpleNearest));
    }

    internal static int[] ScaledShape(int[] shape, double[] scales, KernelContext context)
    {
        if (scales.Length != shape.Length) throw context.Fail($"scales has {scales.Length} entries for rank {shape.Length}");
        var result = new int[shape.Length];
        for (var i = 0; i < shape.Length; i++)
        {
            if (!(scales[i] > 0)) throw context.Fail($"scale {scales[i]} is not positive");
            result[i] = checked((int)Math.Floor(shape[i] * scales[i]));
        }
        return result;
    }
}

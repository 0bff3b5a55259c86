using Compression.Evaluation.Execution;
using Compression.Evaluation.Inference;
using Compression.Evaluation.Tensors;

namespace Compression.Evaluation.Kernels.TensorOps;

/// <summary>
/// Resize (10: X, scales, asymmetric coordinates, nearest rounds down when enlarging; 11, 13: X, roi, scales, sizes,
/// with coordinate_transformation_mode, nearest_mode, cubic_coeff_a, exclude_outside, extrapolation_value). Modes
/// nearest, linear (n-linear: bilinear on 4-D NCHW) and cubic. The output extent is floor(input · scale), or sizes.
/// </summary>
internal sealed class Resize : IKernel
{
    public IReadOnlyList<ValueInfo> Infer(InferenceContext context)
    {
        var input = context.Input(0);
        var type = input?.ElementType ?? default;
        var rank = input?.Shape?.Length;
        var scalesIndex = context.OperatorVersion >= 11 ? 2 : 1;
        if (context.OperatorVersion >= 11 && TensorValues.ConstantLongs(context, 3) is { Length: > 0 } sizes)
            return [new ValueInfo(type, sizes.Select(s => (Dim)s).ToArray())];
        if (context.HasInput(scalesIndex) && TensorValues.Doubles(context.Input(scalesIndex)?.Constant) is { Length: > 0 } scales && input?.Shape is { } shape)
            return [new ValueInfo(type, shape.Select((d, i) => scales[i] == 1 ? d : d.IsKnown ? (Dim)(long)Math.Floor(d.Value * (double)(float)scales[i]) : Dim.Unknown).ToArray())];
        return [new ValueInfo(type, rank is { } r ? TensorValues.Unknown(r) : null)];
    }

    public void Execute(KernelContext context)
    {
        var input = context.Input(0);
        var attributes = context.Attributes;
        var mode = Mode(attributes.GetString("mode", "nearest"), context.OperatorVersion >= 11, context);
        if (context.OperatorVersion < 11)
        {
            var scales = TensorValues.Doubles(context.Input(1)) ?? throw context.Fail("scales are required");
            var options = new ResizeOptions(mode, "asymmetric", ResizeCore.SimpleNearest);
            ResizeCore.Run(context, input, Upsample.ScaledShape(input.Shape, scales, context), scales, options);
            return;
        }
        var roi = TensorValues.Doubles(context.OptionalInput(1));
        var scaleValues = TensorValues.Doubles(context.OptionalInput(2));
        var sizes = TensorValues.Longs(context.OptionalInput(3));
        int[] shape;
        double[] factors;
        if (sizes is { Length: > 0 })
        {
            if (scaleValues is { Length: > 0 }) throw context.Fail("only one of scales and sizes may be given");
            if (sizes.Length != input.Rank) throw context.Fail($"sizes has {sizes.Length} entries for rank {input.Rank}");
            shape = TensorValues.Ints(sizes);
            factors = shape.Select((s, i) => (double)s / input.Shape[i]).ToArray();
        }
        else if (scaleValues is { Length: > 0 })
        {
            factors = scaleValues;
            shape = Upsample.ScaledShape(input.Shape, scaleValues, context);
        }
        else throw context.Fail("one of scales and sizes is required");
        var coordinateMode = attributes.GetString("coordinate_transformation_mode", "half_pixel");
        if (coordinateMode == "tf_crop_and_resize" && (roi is null || roi.Length != 2 * input.Rank))
            throw context.Fail("tf_crop_and_resize needs an roi of 2·rank values");
        var resize = new ResizeOptions(mode, coordinateMode, attributes.GetString("nearest_mode", "round_prefer_floor"),
            attributes.GetFloat("cubic_coeff_a", -0.75f), attributes.GetInt("exclude_outside", 0) != 0,
            attributes.GetFloat("extrapolation_value", 0), roi);
        try
        {
            ResizeCore.Run(context, input, shape, factors, resize);
        }
        catch (ArgumentException e)
        {
            throw context.Fail(e.Message);
        }
    }

    internal static ResizeMode Mode(string mode, bool cubicAllowed, KernelContext context) => mode switch
    {
        "nearest" => ResizeMode.Nearest,
        "linear" or "bilinear" => ResizeMode.Linear,
        "cubic" when cubicAllowed => ResizeMode.Cubic,
        _ => throw context.Fail($"mode '{mode}' is not supported"),
    };
}

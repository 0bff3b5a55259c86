using Compression.Evaluation.Execution;
using Compression.Evaluation.Inference;
using Compression.Evaluation.Tensors;

namespace Compression.Evaluation.Kernels.TensorOps;

/// <summary>
/// Resize (10: X, scales, asymmetric coordinates, nearest rounds down when enlarging; 11, 13: X, roi, scales, sizes,
/// with coordinate_transformation_mode, nearest_mode, cubic_coeff_a, exclude_outside, extrapolation_value). Modes
/// nearest, linear (n-linear: bilinear on 4-D NCHW) and cubic. The output extent is floor(input · scale), or sizes.
/// 18: <c>axes</c> (scales, sizes and roi name only those axes), keep_aspect_ratio_policy (stretch, not_larger,
/// not_smaller: one scale for all the named axes, extents round(scale · input)), antialias (linear and cubic filters
/// widened by 1/scale when shrinking, as ONNX Runtime does); 19: coordinate mode half_pixel_symmetric.
/// </summary>
internal sealed class Resize : IKernel
{
    public IReadOnlyList<ValueInfo> Infer(InferenceContext context)
    {
        var input = context.Input(0);
        var type = input?.ElementType ?? default;
        var rank = input?.Shape?.Length;
        var scalesIndex = context.OperatorVersion >= 11 ? 2 : 1;
        var axes = context.OperatorVersion >= 18 ? context.Attributes.GetInts("axes") : null;
        var policy = context.OperatorVersion >= 18 ? context.Attributes.GetString("keep_aspect_ratio_policy", "stretch") : "stretch";
        if (rank is { } known && (axes is null || axes.Length == known) && policy == "stretch")
        {
            if (context.OperatorVersion >= 11 && TensorValues.ConstantLongs(context, 3) is { Length: > 0 } sizes && axes is null)
                return [new ValueInfo(type, sizes.Select(s => (Dim)s).ToArray())];
            if (context.HasInput(scalesIndex) && TensorValues.Doubles(context.Input(scalesIndex)?.Constant) is { Length: > 0 } scales
                && input?.Shape is { } shape && axes is null)
                return [new ValueInfo(type, shape.Select((d, i) => scales[i] == 1 ? d : d.IsKnown ? (Dim)(long)Math.Floor(d.Value * (double)(float)scales[i]) : Dim.Unknown).ToArray())];
        }
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
        var axes = context.OperatorVersion >= 18 ? context.Attributes.GetInts("axes") : null;
        var named = new bool[input.Rank];
        if (axes is null) Array.Fill(named, true);
        else
        {
            var order = new int[axes.Length];
            for (var i = 0; i < axes.Length; i++)
            {
                order[i] = ShapeMath.NormalizeAxis(axes[i], input.Rank);
                if (named[order[i]]) throw context.Fail($"axis {axes[i]} is listed twice");
                named[order[i]] = true;
            }
            if (scaleValues is { Length: > 0 }) scaleValues = Spread(scaleValues, order, input.Rank, _ => 1.0, "scales", context);
            if (sizes is { Length: > 0 }) sizes = Spread(sizes, order, input.Rank, d => input.Shape[d], "sizes", context);
            if (roi is { Length: > 0 })
            {
                if (roi.Length != 2 * order.Length) throw context.Fail($"roi has {roi.Length} entries for {order.Length} axes");
                var full = new double[2 * input.Rank];
                for (var d = 0; d < input.Rank; d++) full[d + input.Rank] = 1;
                for (var i = 0; i < order.Length; i++)
                {
                    full[order[i]] = roi[i];
                    full[order[i] + input.Rank] = roi[i + order.Length];
                }
                roi = full;
            }
        }
        int[] shape;
        double[] factors;
        if (sizes is { Length: > 0 })
        {
            if (scaleValues is { Length: > 0 }) throw context.Fail("only one of scales and sizes may be given");
            if (sizes.Length != input.Rank) throw context.Fail($"sizes has {sizes.Length} entries for rank {input.Rank}");
            shape = TensorValues.Ints(sizes);
            factors = shape.Select((s, i) => (double)s / input.Shape[i]).ToArray();
            var policy = context.OperatorVersion >= 18 ? attributes.GetString("keep_aspect_ratio_policy", "stretch") : "stretch";
            if (policy != "stretch") KeepAspectRatio(policy, named, input.Shape, shape, factors, context);
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
            attributes.GetFloat("extrapolation_value", 0), roi,
            context.OperatorVersion >= 18 && attributes.GetInt("antialias", 0) != 0 && mode != ResizeMode.Nearest);
        if (coordinateMode == "half_pixel_symmetric" && context.OperatorVersion < 19)
            throw context.Fail("coordinate_transformation_mode 'half_pixel_symmetric' needs Resize version 19");
        try
        {
            ResizeCore.Run(context, input, shape, factors, resize);
        }
        catch (ArgumentException e)
        {
            throw context.Fail(e.Message);
        }
    }

    /// <summary>Values given for the named axes only, spread over every axis (the rest from <paramref name="other"/>).</summary>
    private static T[] Spread<T>(T[] values, int[] order, int rank, Func<int, T> other, string what, KernelContext context)
    {
        if (values.Length != order.Length) throw context.Fail($"{what} has {values.Length} entries for {order.Length} axes");
        var full = new T[rank];
        for (var d = 0; d < rank; d++) full[d] = other(d);
        for (var i = 0; i < order.Length; i++) full[order[i]] = values[i];
        return full;
    }

    /// <summary>
    /// not_larger / not_smaller: one scale for every named axis, the smallest / largest of sizes / input among them, and
    /// extents round(scale · input) (half away from zero, as ONNX Runtime's std::round).
    /// </summary>
    private static void KeepAspectRatio(string policy, bool[] named, int[] input, int[] shape, double[] factors, KernelContext context)
    {
        if (policy is not ("not_larger" or "not_smaller")) throw context.Fail($"keep_aspect_ratio_policy '{policy}' is not supported");
        var scale = policy == "not_larger" ? double.PositiveInfinity : double.NegativeInfinity;
        for (var d = 0; d < input.Length; d++)
            if (named[d]) scale = policy == "not_larger" ? Math.Min(scale, (float)factors[d]) : Math.Max(scale, (float)factors[d]);
        for (var d = 0; d < input.Length; d++)
        {
            if (!named[d]) continue;
            shape[d] = checked((int)Math.Round(scale * input[d], MidpointRounding.AwayFromZero));
            factors[d] = scale;
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

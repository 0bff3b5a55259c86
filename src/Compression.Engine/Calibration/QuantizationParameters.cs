namespace Compression.Engine.Calibration;

/// <summary>
/// The scale and zero point of one quantized tensor, r = Scale · (q − ZeroPoint) with q in [QMin, QMax], computed as
/// ONNX Runtime's quantization tool computes them for a calibrated range (quant_utils.compute_scale_zp with the ranges
/// of get_qmin_qmax_for_qType), so a model we quantize and one ONNX Runtime's tool quantizes from the same range agree
/// bit for bit. The facts this follows:
/// <list type="bullet">
/// <item>The integer range: uint8 [0, 255], int8 [−128, 127]; symmetric int8 [−127, 127] (−128 unused, so the range is
/// symmetric about zero); with reduce_range (7 bits, for u8s8 on x64 CPUs without VNNI, whose 16-bit intermediate sums
/// can saturate) uint8 [0, 127] and int8 [−64, 64]. reduce_range takes precedence over symmetric.</item>
/// <item>The range is first widened to hold zero: rmin = min(rmin, 0), rmax = max(rmax, 0), so zero is exactly
/// representable (it is q = ZeroPoint): zero padding and ReLU's zeros then quantize without error.</item>
/// <item>Symmetric: rmin = −absmax and rmax = absmax with absmax = max(|rmin|, |rmax|), in float.</item>
/// <item>scale = (rmax − rmin) / (qmax − qmin), the difference taken in float and the division in double; a scale below
/// float's smallest normal (an all-zero tensor) becomes scale 1, zero point 0.</item>
/// <item>Zero point: symmetric, round((qmin + qmax) / 2), which is 0 for int8 (and for reduced int8) whatever the
/// scale; asymmetric, round(qmin − rmin / scale) with the double scale, rounding half to even (numpy.round). Since
/// rmin ≤ 0 ≤ rmax it lies in [qmin, qmax]. The scale is rounded to float only after that.</item>
/// </list>
/// </summary>
internal readonly record struct QuantizationParameters(float Scale, int ZeroPoint, int QMin, int QMax)
{
    /// <summary>float's smallest normal number (numpy.finfo(float32).tiny), below which ONNX Runtime's tool gives up on a scale.</summary>
    private const double FloatTiny = 1.1754943508222875e-38;

    /// <summary>Quantization parameters for <paramref name="rmin"/>..<paramref name="rmax"/> on [qmin, qmax].</summary>
    public static QuantizationParameters Compute(float rmin, float rmax, int qmin, int qmax, bool symmetric)
    {
        if (qmin > 0 || qmax < 0 || qmin >= qmax)
            throw new ArgumentException($"the integer range [{qmin}, {qmax}] must hold zero and more than one value");
        if (!float.IsFinite(rmin) || !float.IsFinite(rmax) || rmin > rmax)
            throw new ArgumentException($"the range [{rmin}, {rmax}] is not a finite interval");
        rmin = Math.Min(rmin, 0f);
        rmax = Math.Max(rmax, 0f);
        if (symmetric)
        {
            var absMax = Math.Max(Math.Abs(rmin), Math.Abs(rmax));
            rmin = -absMax;
            rmax = absMax;
        }
        var scale = (double)(rmax - rmin) / ((double)qmax - qmin);
        if (scale < FloatTiny) return new QuantizationParameters(1f, 0, qmin, qmax);
        var zeroPoint = symmetric
            ? Math.Round((qmin + qmax) / 2.0, MidpointRounding.ToEven)
            : Math.Round(qmin - rmin / scale, MidpointRounding.ToEven);
        return new QuantizationParameters((float)scale, (int)zeroPoint, qmin, qmax);
    }

    /// <summary>uint8 with a zero point: [0, 255], or [0, 127] with reduce_range.</summary>
    public static QuantizationParameters UInt8Asymmetric(float rmin, float rmax, bool reduceRange = false) =>
        Compute(rmin, rmax, 0, reduceRange ? 127 : 255, symmetric: false);

    /// <summary>int8 symmetric, zero point 0: [−127, 127], or [−64, 64] with reduce_range.</summary>
    public static QuantizationParameters Int8Symmetric(float rmin, float rmax, bool reduceRange = false) =>
        reduceRange ? Compute(rmin, rmax, -64, 64, symmetric: true) : Compute(rmin, rmax, -127, 127, symmetric: true);
}

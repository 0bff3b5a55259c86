namespace Compression.Engine.Quantization;

/// <summary>
/// Symmetric per-channel quantization of float weights to signed integers: scale = max|w| / qmax per channel, q =
/// round-half-even(w / scale) clamped to ±qmax, zero point 0. Symmetric weights are what int8 GEMM kernels (VNNI, ARM
/// dot product) want; ±127 rather than −128 keeps the range symmetric so negating a weight is exact.
/// </summary>
public static class SymmetricQuantizer
{
    /// <summary>Quantizes <paramref name="weights"/> with <paramref name="channels"/> channels along an axis that splits the flat array into <paramref name="outer"/> blocks of channels × <paramref name="inner"/>.</summary>
    /// <param name="halfScales">Round each scale to float16 before quantizing with it, so scales can be stored in
    /// half the bytes and still match the weights exactly; ignored (float32 scales) when a scale falls outside the
    /// normal float16 range. The returned flag says which was done.</param>
    public static (sbyte[] Values, float[] Scales, bool HalfScales) Quantize(ReadOnlySpan<float> weights, int outer, int channels, int inner, int qmax, bool halfScales = false)
    {
        var scales = new float[channels];
        for (var o = 0; o < outer; o++)
            for (var c = 0; c < channels; c++)
            {
                var block = weights.Slice((o * channels + c) * inner, inner);
                foreach (var w in block)
                    if (float.IsFinite(w)) scales[c] = Math.Max(scales[c], Math.Abs(w));
            }
        for (var c = 0; c < channels; c++)
            scales[c] = scales[c] > 0 ? scales[c] / qmax : 1f; // an all-zero channel: any scale reproduces it
        if (halfScales)
        {
            var rounded = scales.Select(v => (float)(Half)v).ToArray();
            halfScales = rounded.All(v => v >= MinNormalHalf && v <= (float)Half.MaxValue);
            if (halfScales) scales = rounded;
        }

        var values = new sbyte[weights.Length];
        for (var o = 0; o < outer; o++)
            for (var c = 0; c < channels; c++)
            {
                var start = (o * channels + c) * inner;
                for (var i = 0; i < inner; i++)
                {
                    var q = MathF.Round(weights[start + i] / scales[c], MidpointRounding.ToEven);
                    values[start + i] = (sbyte)Math.Clamp(float.IsNaN(q) ? 0 : q, -qmax, qmax);
                }
            }
        return (values, scales, halfScales);
    }

    /// <summary>The smallest normal float16; smaller scales would lose precision as subnormals.</summary>
    private const float MinNormalHalf = 6.1035156e-5f;
}

namespace Compression.Engine.Quantization;

/// <summary>
/// Symmetric per-channel quantization of float weights to signed integers: scale = max|w| / qmax per channel, q =
/// round-half-even(w / scale) clamped to ±qmax, zero point 0. Symmetric weights are what int8 GEMM kernels (VNNI, ARM
/// dot product) want; ±127 rather than −128 keeps the range symmetric so negating a weight is exact.
/// </summary>
internal static class SymmetricQuantizer
{
    /// <summary>Quantizes <paramref name="weights"/> with <paramref name="channels"/> channels along an axis that splits the flat array into <paramref name="outer"/> blocks of channels × <paramref name="inner"/>.</summary>
    /// <param name="halfScales">Round each scale up to float16 before quantizing with it, so scales can be stored in
    /// half the bytes and still match the weights exactly; ignored (float32 scales) when a scale falls outside what
    /// float16 holds. The returned flag says which was done.</param>
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
            var rounded = scales.Select(RoundUpToHalf).ToArray();
            halfScales = rounded.All(v => v > 0 && float.IsFinite(v));
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

    /// <summary>
    /// The float16 value at or above <paramref name="scale"/>: rounding up means the channel's largest weight still maps
    /// inside ±qmax, so no weight is clipped. Below float16's normal range (a channel of weights under ~0.008, nearly
    /// dead) the grid coarsens with the subnormal spacing, which costs those tiny weights a little resolution and
    /// nothing else; a scale under the smallest subnormal or above float16's range gives 0 or ∞, and float32 scales.
    /// </summary>
    private static float RoundUpToHalf(float scale)
    {
        var half = (Half)scale;
        if ((float)half < scale) half = Half.BitIncrement(half);
        return (float)half;
    }
}

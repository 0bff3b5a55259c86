namespace Compression.Engine.Quantization.Int4;

/// <summary>
/// Block-wise symmetric int4: along one axis, every run of <c>blockSize</c> weights (the last run may be shorter, as
/// ONNX's blocked DequantizeLinear allows) gets its own scale and zero point 0. int4 holds −8..7, one step more on the
/// negative side, so a block's scale is max(largest negative magnitude / 8, largest positive / 7): the dominant side
/// uses the full range when it is the negative one and nothing ever clips. Scales stay positive, which every runtime
/// expects of a DequantizeLinear.
/// </summary>
internal static class BlockQuantizer
{
    public const int QMin = -8;
    public const int QMax = 7;

    /// <summary>
    /// Quantizes <paramref name="weights"/>, laid out as [outer, length, inner] around the blocked axis, in blocks of
    /// <paramref name="blockSize"/> along it. Returns the int4 values (−8..7, one per weight, same layout) and the scales,
    /// laid out as [outer, ceil(length / blockSize), inner].
    /// </summary>
    public static (sbyte[] Values, float[] Scales) Quantize(ReadOnlySpan<float> weights, int outer, int length, int inner, int blockSize)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(blockSize, 1);
        var blocks = (length + blockSize - 1) / blockSize;
        var scales = new float[outer * blocks * inner];
        var values = new sbyte[weights.Length];
        for (var o = 0; o < outer; o++)
            for (var b = 0; b < blocks; b++)
            {
                var end = Math.Min(length, (b + 1) * blockSize);
                for (var i = 0; i < inner; i++)
                {
                    float negative = 0, positive = 0;
                    for (var d = b * blockSize; d < end; d++)
                    {
                        var w = weights[(o * length + d) * inner + i];
                        if (!float.IsFinite(w)) continue;
                        if (w < 0) negative = Math.Max(negative, -w);
                        else positive = Math.Max(positive, w);
                    }
                    var scale = Math.Max(negative / -QMin, positive / QMax);
                    // An all-zero block: any positive scale reproduces it.
                    if (!(scale > 0) || !float.IsFinite(scale)) scale = 1f;
                    scales[(o * blocks + b) * inner + i] = scale;
                    for (var d = b * blockSize; d < end; d++)
                    {
                        var at = (o * length + d) * inner + i;
                        var q = MathF.Round(weights[at] / scale, MidpointRounding.ToEven);
                        values[at] = (sbyte)Math.Clamp(float.IsNaN(q) ? 0 : q, QMin, QMax);
                    }
                }
            }
        return (values, scales);
    }
}

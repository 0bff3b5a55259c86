namespace Compression.Engine.Quantization.Int4;

/// <summary>
/// Block-wise symmetric int4: along one axis, every run of <c>blockSize</c> weights (the last run may be shorter, as
/// ONNX's blocked DequantizeLinear allows) gets its own scale and zero point 0. int4 holds −8..7, one step more on the
/// negative side, so a block's largest scale is max(largest negative magnitude / 8, largest positive / 7): the dominant
/// side uses the full range when it is the negative one and nothing clips. With 16 levels, rounding error dominates
/// and one large weight stretches the grid for the other 31 of a block; so each block's scale is searched
/// (<see cref="ScaleSearch"/>) among that largest scale and a few smaller ones, keeping the one with the least
/// (importance-weighted) squared reconstruction error — clipping the largest weight a little to resolve the rest
/// better, as MSE-optimal clipping and AWQ's scale search do. Scales stay positive, which every runtime expects of a
/// DequantizeLinear.
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
    /// <param name="importance">Optional weight of each position along the blocked axis in the error (for a MatMul
    /// weight [K, N] blocked along K: the mean square of input channel k on the calibration data), so the search
    /// favours the weights that meet large activations. Empty: all positions count alike.</param>
    /// <param name="searchScales">False keeps every block's largest scale (no weight clipped), the plain round-to-nearest grid.</param>
    public static (sbyte[] Values, float[] Scales) Quantize(ReadOnlySpan<float> weights, int outer, int length, int inner, int blockSize,
        ReadOnlySpan<float> importance = default, bool searchScales = true)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(blockSize, 1);
        if (!importance.IsEmpty && importance.Length != length)
            throw new ArgumentException($"importance has {importance.Length} values for a blocked axis of {length}", nameof(importance));
        var weightOf = ScaleSearch.DampedImportance(importance);
        var blocks = (length + blockSize - 1) / blockSize;
        var scales = new float[outer * blocks * inner];
        var values = new sbyte[weights.Length];
        var block = new float[blockSize];
        var blockWeights = new float[blockSize];
        for (var o = 0; o < outer; o++)
            for (var b = 0; b < blocks; b++)
            {
                var start = b * blockSize;
                var count = Math.Min(length, start + blockSize) - start;
                for (var d = 0; d < count; d++) blockWeights[d] = weightOf is null ? 1f : weightOf[start + d];
                for (var i = 0; i < inner; i++)
                {
                    for (var d = 0; d < count; d++)
                    {
                        var w = weights[(o * length + start + d) * inner + i];
                        block[d] = float.IsFinite(w) ? w : 0f;
                    }
                    var scale = searchScales
                        ? ScaleSearch.Best(block.AsSpan(0, count), blockWeights.AsSpan(0, count), QMin, QMax)
                        : ScaleSearch.Largest(block.AsSpan(0, count), QMin, QMax);
                    scales[(o * blocks + b) * inner + i] = scale;
                    for (var d = 0; d < count; d++)
                    {
                        var at = (o * length + start + d) * inner + i;
                        values[at] = ScaleSearch.Level(weights[at], scale, QMin, QMax);
                    }
                }
            }
        return (values, scales);
    }
}

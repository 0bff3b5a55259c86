namespace Compression.Engine.Quantization.Int4;

/// <summary>
/// The scale of one block of symmetric low-bit weights, chosen by reconstruction error: the block's largest scale
/// (nothing clips) times each of a fixed list of factors, keeping the least Σ importance·(w − s·q(w))², ties to the
/// larger scale. A fixed list and a fixed order make the choice deterministic. Importance is damped — each position's
/// weight raised by a hundredth of the mean (as GPTQ dampens its Hessian diagonal) — so a channel the calibration
/// data never excited still counts, and a few calibration samples cannot make the search clip weights that other
/// inputs need: what keeps an encoder faithful beyond the sentences it was calibrated on.
/// </summary>
internal static class ScaleSearch
{
    /// <summary>Factors of the largest scale tried, from 1 (no clipping) down to 0.7 (clipping the largest weights by 30%).</summary>
    public static readonly float[] Factors = [1f, 0.975f, 0.95f, 0.925f, 0.9f, 0.875f, 0.85f, 0.825f, 0.8f, 0.775f, 0.75f, 0.725f, 0.7f];

    /// <summary>The share of the mean importance added to every position's.</summary>
    public const float Damping = 0.01f;

    /// <summary>Importance with damping added, or null when there is none (all positions alike).</summary>
    public static float[]? DampedImportance(ReadOnlySpan<float> importance)
    {
        if (importance.IsEmpty) return null;
        double sum = 0;
        foreach (var v in importance) sum += float.IsFinite(v) && v > 0 ? v : 0;
        var floor = (float)(Damping * sum / importance.Length);
        var damped = new float[importance.Length];
        for (var i = 0; i < damped.Length; i++)
            damped[i] = (float.IsFinite(importance[i]) && importance[i] > 0 ? importance[i] : 0f) + floor;
        // All zero (no activation seen): every position alike.
        if (floor == 0) Array.Fill(damped, 1f);
        return damped;
    }

    /// <summary>The scale at which the block's largest weights map to qmin or qmax and nothing clips; 1 for an all-zero block.</summary>
    public static float Largest(ReadOnlySpan<float> block, int qmin, int qmax)
    {
        float negative = 0, positive = 0;
        foreach (var w in block)
        {
            if (w < 0) negative = Math.Max(negative, -w);
            else positive = Math.Max(positive, w);
        }
        var scale = Math.Max(negative / -qmin, positive / qmax);
        // An all-zero block: any positive scale reproduces it.
        return scale > 0 && float.IsFinite(scale) ? scale : 1f;
    }

    public static float Best(ReadOnlySpan<float> block, ReadOnlySpan<float> importance, int qmin, int qmax)
    {
        var largest = Largest(block, qmin, qmax);
        var best = largest;
        var bestError = double.PositiveInfinity;
        foreach (var factor in Factors)
        {
            var scale = largest * factor;
            double error = 0;
            for (var i = 0; i < block.Length; i++)
            {
                var e = block[i] - scale * Level(block[i], scale, qmin, qmax);
                error += importance[i] * (double)e * e;
            }
            if (error < bestError)
            {
                bestError = error;
                best = scale;
            }
        }
        return best;
    }

    public static sbyte Level(float w, float scale, int qmin, int qmax)
    {
        var q = MathF.Round(w / scale, MidpointRounding.ToEven);
        return (sbyte)Math.Clamp(float.IsNaN(q) ? 0 : q, qmin, qmax);
    }
}

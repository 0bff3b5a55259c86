using Compression.Engine.Quantization.Int4;

namespace Compression.Engine.Tests.Quantization.Int4;

public class ScaleSearchTests
{
    /// <summary>Gaussian-like weights (sums of uniforms) with a few outliers, as trained layers have, laid out [K, N].</summary>
    private static float[] Weights(int count, int seed)
    {
        var random = new Random(seed);
        var values = new float[count];
        for (var i = 0; i < count; i++) values[i] = (float)((random.NextDouble() + random.NextDouble() + random.NextDouble() - 1.5) * 0.1);
        for (var i = 0; i < count / 64; i++) values[random.Next(count)] *= 8;
        return values;
    }

    private static double Error(float[] weights, sbyte[] q, float[] scales, int k, int n, int block)
    {
        double error = 0;
        for (var r = 0; r < k; r++)
            for (var c = 0; c < n; c++)
            {
                var e = weights[r * n + c] - scales[r / block * n + c] * q[r * n + c];
                error += e * e;
            }
        return error;
    }

    [Fact]
    public void Searched_scales_never_reconstruct_a_block_worse_than_the_largest_scale_and_do_better_overall()
    {
        const int k = 128, n = 48, block = 32;
        var weights = Weights(k * n, seed: 3);
        var (plainQ, plainScales) = BlockQuantizer.Quantize(weights, 1, k, n, block, searchScales: false);
        var (q, scales) = BlockQuantizer.Quantize(weights, 1, k, n, block);
        for (var b = 0; b < k / block; b++)
            for (var c = 0; c < n; c++)
            {
                Assert.True(scales[b * n + c] <= plainScales[b * n + c], "a searched scale is the largest one or a fraction of it");
                double plain = 0, searched = 0;
                for (var r = b * block; r < (b + 1) * block; r++)
                {
                    var w = weights[r * n + c];
                    plain += Math.Pow(w - plainScales[b * n + c] * plainQ[r * n + c], 2);
                    searched += Math.Pow(w - scales[b * n + c] * q[r * n + c], 2);
                }
                Assert.True(searched <= plain, $"block {b}, column {c}: {searched} > {plain}");
            }
        var gain = 10 * Math.Log10(Error(weights, plainQ, plainScales, k, n, block) / Error(weights, q, scales, k, n, block));
        Assert.True(gain > 0.1, $"the search gained only {gain:F2} dB of reconstruction SQNR over round-to-nearest with the largest scale");
    }

    [Fact]
    public void A_weight_that_meets_large_activations_is_not_clipped_where_unweighted_search_would_clip_it()
    {
        // One block of 32: small weights and one large one. Unweighted, clipping the large one resolves the other 31
        // better; when its input channel carries large activations, its error outweighs theirs and it keeps its value.
        var block = Enumerable.Range(0, 32).Select(i => (float)Math.Sin(i * 1.7) * 0.1f).ToArray();
        block[9] = 1f;
        var importance = Enumerable.Repeat(1f, 32).ToArray();
        var (unweightedQ, unweighted) = BlockQuantizer.Quantize(block, 1, 32, 1, 32);
        Assert.True(unweighted[0] < 1f / 7, "unweighted, the search clips the outlier");
        Assert.Equal(7, unweightedQ[9]);

        importance[9] = 1000f;
        var (_, weighted) = BlockQuantizer.Quantize(block, 1, 32, 1, 32, importance);
        Assert.Equal(1f / 7, weighted[0], 6);
    }

    [Fact]
    public void Damping_keeps_channels_no_calibration_sample_excited_in_the_error()
    {
        var damped = ScaleSearch.DampedImportance([0f, 4f, 4f, 0f]);
        Assert.NotNull(damped);
        Assert.All(damped, v => Assert.True(v > 0));
        Assert.Equal(0.02f, damped[0], 6); // a hundredth of the mean (2)
        Assert.Equal(4.02f, damped[1], 6);
        Assert.All(ScaleSearch.DampedImportance([0f, 0f])!, v => Assert.Equal(1f, v));
    }
}

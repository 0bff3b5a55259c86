using Compression.Engine.Sharing;

namespace Compression.Engine.Tests.Sharing;

/// <summary>The nearest-centroid search against a scan of every centroid, ties and out-of-range values included.</summary>
public class ScalarKMeansTests
{
    [Fact]
    public void The_nearest_centroid_is_the_one_a_full_scan_finds_with_ties_to_the_lower()
    {
        var random = new Random(3);
        var centroids = Enumerable.Range(0, 256).Select(_ => (float)(random.NextDouble() - 0.5)).Distinct().Order().ToArray();
        var values = Enumerable.Range(0, 20_000).Select(_ => (float)(1.2 * (random.NextDouble() - 0.5)))
            .Concat(centroids) // exact hits
            .Concat(centroids.Zip(centroids.Skip(1), (a, b) => (float)(((double)a + b) / 2))); // midpoints: ties where they round exactly
        foreach (var value in values)
        {
            var scan = 0;
            for (var c = 1; c < centroids.Length; c++)
                if (Math.Abs((double)value - centroids[c]) < Math.Abs((double)value - centroids[scan])) scan = c;
            Assert.Equal(scan, ScalarKMeans.Nearest(centroids, value));
        }
        Assert.Equal(0, ScalarKMeans.Nearest([1f, 3f], 2f));
        // Far outside, where double distances to all centroids round alike, the end on the value's side.
        Assert.Equal(0, ScalarKMeans.Nearest(centroids, float.MinValue));
        Assert.Equal(centroids.Length - 1, ScalarKMeans.Nearest(centroids, float.MaxValue));
    }
}

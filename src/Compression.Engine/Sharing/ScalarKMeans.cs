namespace Compression.Engine.Sharing;

/// <summary>
/// k-means of scalars (weight values), deterministic: k-means++ seeding with a fixed-seed generator, then Lloyd's
/// iterations. In one dimension each cluster is an interval of the sorted values, so an iteration is a pass over the
/// sorted array with prefix sums — O(k log n) per iteration after one O(n log n) sort, whatever the tensor size.
/// Sums are in double in a fixed order; the result depends on the values only.
/// </summary>
internal static class ScalarKMeans
{
    private const int MaxIterations = 100;

    /// <summary>The centroids (ascending, at most <paramref name="k"/>: fewer when there are fewer distinct values).</summary>
    public static float[] Centroids(ReadOnlySpan<float> values, int k, int seed)
    {
        var sorted = values.ToArray();
        Array.Sort(sorted);
        var distinct = sorted.Distinct().ToArray();
        if (distinct.Length <= k) return distinct;

        var prefix = new double[sorted.Length + 1];
        for (var i = 0; i < sorted.Length; i++) prefix[i + 1] = prefix[i] + sorted[i];

        var centroids = Seed(sorted, k, seed);
        for (var iteration = 0; iteration < MaxIterations; iteration++)
        {
            var next = new double[k];
            var start = 0;
            for (var c = 0; c < k; c++)
            {
                // Values closer to centroid c than to c + 1 end at the first value past their midpoint.
                var end = c == k - 1 ? sorted.Length : UpperBound(sorted, (centroids[c] + centroids[c + 1]) / 2);
                end = Math.Max(end, start);
                next[c] = end > start ? (prefix[end] - prefix[start]) / (end - start) : centroids[c];
                start = end;
            }
            Array.Sort(next);
            var moved = false;
            for (var c = 0; c < k; c++) moved |= next[c] != centroids[c];
            centroids = next;
            if (!moved) break;
        }
        return centroids.Select(c => (float)c).Distinct().Order().ToArray();
    }

    /// <summary>
    /// The index of the nearest centroid (ties to the lower one) for an ascending list of distinct centroids: the
    /// distance falls then rises along the list, so the nearest is one of the two around the value's insertion point.
    /// </summary>
    public static int Nearest(float[] centroids, float value)
    {
        int low = 0, high = centroids.Length;
        while (low < high)
        {
            var mid = (low + high) >>> 1;
            if (centroids[mid] < value) low = mid + 1;
            else high = mid;
        }
        if (low == 0) return 0;
        if (low == centroids.Length) return centroids.Length - 1;
        return Math.Abs((double)value - centroids[low]) < Math.Abs((double)value - centroids[low - 1]) ? low : low - 1;
    }

    /// <summary>k-means++: the first centre uniformly, each next one with probability proportional to D(x)².</summary>
    private static double[] Seed(float[] sorted, int k, int seed)
    {
        var random = new Random(seed);
        var centres = new List<double> { sorted[random.Next(sorted.Length)] };
        var distance = new double[sorted.Length];
        for (var i = 0; i < sorted.Length; i++) distance[i] = Square(sorted[i] - centres[0]);
        while (centres.Count < k)
        {
            var total = 0.0;
            foreach (var d in distance) total += d;
            if (total == 0) break;
            var target = random.NextDouble() * total;
            var chosen = sorted.Length - 1;
            for (var i = 0; i < sorted.Length; i++)
            {
                target -= distance[i];
                if (target < 0) { chosen = i; break; }
            }
            centres.Add(sorted[chosen]);
            for (var i = 0; i < sorted.Length; i++) distance[i] = Math.Min(distance[i], Square(sorted[i] - sorted[chosen]));
        }
        // Too few distinct draws (all remaining values already centres): fill with evenly spread values.
        for (var i = 0; centres.Count < k; i++) centres.Add(sorted[(int)((long)i * (sorted.Length - 1) / Math.Max(1, k - 1))]);
        return centres.Order().ToArray();
    }

    private static double Square(double x) => x * x;

    private static int UpperBound(float[] sorted, double value)
    {
        int low = 0, high = sorted.Length;
        while (low < high)
        {
            var mid = (low + high) >>> 1;
            if (sorted[mid] <= value) low = mid + 1;
            else high = mid;
        }
        return low;
    }
}

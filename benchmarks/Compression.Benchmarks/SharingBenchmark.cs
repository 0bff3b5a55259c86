using System.Globalization;
using Compression.Engine.Pipeline;
using Compression.Engine.Recipes;
using Compression.Engine.Sharing;

namespace Compression.Benchmarks;

/// <summary>
/// Weight sharing's cost: k-means (seeding, Lloyd's iterations and the assignment of every weight to its centroid, as
/// the pass does it) per million weights for K = 2, 16, 256 on Gaussian weights of 1M and 4M values, then the whole
/// pass per real model (WeightSharing=16 and 256, per tensor), wall ms including load, save and the fidelity run.
/// Best of --runs.
/// </summary>
internal static class SharingBenchmark
{
    public static int Run(string[] args)
    {
        var runs = WallClock.Runs(args, 3);
        Console.WriteLine("| weights | K | k-means ms | assignment ms | ms per million weights |");
        Console.WriteLine("| ---: | ---: | ---: | ---: | ---: |");
        foreach (var count in new[] { 1_000_000, 4_000_000 })
        {
            var values = Gaussian(count, seed: 7);
            foreach (var k in new[] { 2, 16, 256 })
            {
                float[] centroids = [];
                var fit = WallClock.BestMilliseconds(runs, () => centroids = ScalarKMeans.Centroids(values, k, seed: 1));
                var indices = new byte[count];
                var assign = WallClock.BestMilliseconds(runs, () =>
                {
                    for (var i = 0; i < values.Length; i++) indices[i] = (byte)ScalarKMeans.Nearest(centroids, values[i]);
                });
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"| {count:N0} | {k} | {fit:F0} | {assign:F0} | {(fit + assign) / (count / 1e6):F0} |"));
            }
        }

        Console.WriteLine();
        Console.WriteLine("| model | WeightSharing=16 ms | WeightSharing=256 ms |");
        Console.WriteLine("| --- | ---: | ---: |");
        var folder = Directory.CreateTempSubdirectory("cb-share-bench-").FullName;
        try
        {
            foreach (var real in Compression.Testing.TestAssets.RealModels)
            {
                var path = real.RequirePath();
                double Share(int k) => WallClock.BestMilliseconds(runs, () => ModelCompressor.Compress(path, Path.Combine(folder, "s.onnx"), "bench",
                    RecipeOptions.Apply(Recipe.Identity, new Dictionary<string, string> { ["WeightSharing"] = k.ToString(CultureInfo.InvariantCulture) })));
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| {real.Name} | {Share(16):F0} | {Share(256):F0} |"));
            }
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
        return 0;
    }

    /// <summary>Box–Muller normals from a seeded generator, scaled like a conv layer's weights.</summary>
    private static float[] Gaussian(int count, int seed)
    {
        var random = new Random(seed);
        var values = new float[count];
        for (var i = 0; i < count; i++)
        {
            var u = 1 - random.NextDouble();
            values[i] = (float)(0.05 * Math.Sqrt(-2 * Math.Log(u)) * Math.Cos(2 * Math.PI * random.NextDouble()));
        }
        return values;
    }
}

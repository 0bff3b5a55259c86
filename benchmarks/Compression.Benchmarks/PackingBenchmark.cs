using System.Globalization;
using System.IO.Compression;
using Compression.Engine.Packing;
using Compression.Engine.Pipeline;
using Compression.Engine.Recipes;

namespace Compression.Benchmarks;

/// <summary>
/// Pruning time per real model (0.5 and 2:4, weights only), then packing and unpacking throughput of the pruned int8
/// model with our fixed Brotli settings (quality 11, window 24) against .NET's BrotliStream at its defaults
/// (CompressionLevel.Optimal) and at SmallestSize, on the same bytes. Best of --runs timings; MB are 10^6 bytes of the
/// unpacked model.
/// </summary>
internal static class PackingBenchmark
{
    public static int Run(string[] args)
    {
        var runs = WallClock.Runs(args, 3);
        var folder = Directory.CreateTempSubdirectory("cb-pack-bench-").FullName;
        try
        {
            Console.WriteLine("| model | prune 0.5 ms | prune 2:4 ms | model bytes (0.5 + int8-weight) | ours: packed bytes | pack MB/s | unpack MB/s | BrotliStream Optimal: bytes | pack MB/s | unpack MB/s | SmallestSize: bytes | pack MB/s |");
            Console.WriteLine("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |");
            foreach (var real in Compression.Testing.TestAssets.RealModels)
            {
                var path = real.RequirePath();
                double Prune(string pruning) => WallClock.BestMilliseconds(runs, () => ModelCompressor.Compress(path, Path.Combine(folder, "p.onnx"), "bench",
                    RecipeOptions.Apply(Recipe.Identity, new Dictionary<string, string> { ["Pruning"] = pruning })));
                var unstructured = Prune("0.5");
                var nOfM = Prune("2:4");
                var model = Path.Combine(folder, "m.onnx");
                ModelCompressor.Compress(path, model, "bench", RecipeOptions.Apply(Recipe.Identity,
                    new Dictionary<string, string> { ["Pruning"] = "0.5", ["Quantization"] = "int8-weight" }));
                var bytes = File.ReadAllBytes(model);
                var ours = BrotliPacking.Pack(bytes);
                var packOurs = WallClock.BestMilliseconds(runs, () => BrotliPacking.Pack(bytes));
                var unpackOurs = WallClock.BestMilliseconds(runs, () => BrotliPacking.Unpack(ours));
                var optimal = StreamPack(bytes, CompressionLevel.Optimal);
                var packOptimal = WallClock.BestMilliseconds(runs, () => StreamPack(bytes, CompressionLevel.Optimal));
                var unpackOptimal = WallClock.BestMilliseconds(runs, () => BrotliPacking.Unpack(optimal));
                var smallest = StreamPack(bytes, CompressionLevel.SmallestSize);
                var packSmallest = WallClock.BestMilliseconds(runs, () => StreamPack(bytes, CompressionLevel.SmallestSize));
                double MBps(double ms) => bytes.Length / 1e6 / (ms / 1000);
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"| {real.Name} | {unstructured:F0} | {nOfM:F0} | {bytes.Length:N0} | {ours.Length:N0} | {MBps(packOurs):F2} | {MBps(unpackOurs):F0} | {optimal.Length:N0} | {MBps(packOptimal):F1} | {MBps(unpackOptimal):F0} | {smallest.Length:N0} | {MBps(packSmallest):F2} |"));
            }
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
        return 0;
    }

    private static byte[] StreamPack(byte[] bytes, CompressionLevel level)
    {
        using var output = new MemoryStream();
        using (var brotli = new BrotliStream(output, level)) brotli.Write(bytes);
        return output.ToArray();
    }
}

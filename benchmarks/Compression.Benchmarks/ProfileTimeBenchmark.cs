using System.Globalization;
using Compression.Engine.Pipeline;
using Compression.Engine.Profiles;
using Compression.Testing;

namespace Compression.Benchmarks;

/// <summary>
/// End-to-end compression time per real model and built-in profile, as a build runs it: static int8 profiles calibrate
/// on 16 real samples (hello-deepa: its one real input) and every run measures fidelity on 8 others. Wall ms of
/// <see cref="ModelCompressor.Compress(CompressionRequest, ProfileCatalog?)"/> in this process (warm: one untimed run
/// first), best of --runs; the fidelity run is included.
/// </summary>
internal static class ProfileTimeBenchmark
{
    public static async Task<int> RunAsync(string[] args)
    {
        var runs = WallClock.Runs(args, 2);
        var profiles = BuiltInProfiles.All.Where(p => p.Name != "none").ToArray();
        Console.WriteLine($"| model | {string.Join(" | ", profiles.Select(p => $"{p.Name} ms"))} |");
        Console.WriteLine($"| --- |{string.Concat(profiles.Select(_ => " ---: |"))}");
        var folder = Directory.CreateTempSubdirectory("cb-profile-bench-").FullName;
        try
        {
            foreach (var real in TestAssets.RealModels)
            {
                var path = real.RequirePath();
                string calibration, validation;
                if (real.Name == "hello-deepa")
                {
                    calibration = validation = Path.Combine(folder, "hello-deepa-input");
                    Directory.CreateDirectory(calibration);
                    await RealInputs.WriteAsync(real.Name, calibration);
                }
                else
                {
                    calibration = await RealDataSets.GetAsync(real.Name, 16);
                    validation = await RealDataSets.GetAsync(real.Name, 8, first: 100);
                }
                var cells = new List<string>();
                foreach (var profile in profiles)
                {
                    var request = new CompressionRequest(path, Path.Combine(folder, "out.onnx"), profile.Name)
                    {
                        CalibrationData = calibration,
                        ValidationData = validation,
                    };
                    ModelCompressor.Compress(request);
                    cells.Add(WallClock.BestMilliseconds(runs, () => ModelCompressor.Compress(request)).ToString("F0", CultureInfo.InvariantCulture));
                }
                Console.WriteLine($"| {real.Name} | {string.Join(" | ", cells)} |");
            }
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
        return 0;
    }
}

using System.Globalization;
using Compression.Onnx.Model;
using Compression.Onnx.Protobuf;
using Google.Protobuf;

namespace Compression.Benchmarks;

/// <summary>
/// Load+save throughput of our model I/O against a plain copy of the same bytes, in the same run, each in a fresh
/// process; peak memory of load+save above an idle process, as a multiple of the model's size.
/// </summary>
internal static class ModelIoBenchmark
{
    public static int Run(string[] args)
    {
        var syntheticMb = 1024;
        var runs = 3;
        var models = new List<string>();
        for (var i = 0; i < args.Length; i++)
        {
            switch (args[i])
            {
                case "--synthetic-mb": syntheticMb = int.Parse(args[++i], CultureInfo.InvariantCulture); break;
                case "--runs": runs = int.Parse(args[++i], CultureInfo.InvariantCulture); break;
                default: models.Add(args[i]); break;
            }
        }
        var folder = Directory.CreateTempSubdirectory("cb-io-bench-").FullName;
        try
        {
            if (syntheticMb > 0) models.Add(WriteSynthetic(folder, syntheticMb));
            var idle = ChildProcess.Measure("noop", "1").PeakBytes;
            Console.WriteLine($"idle process peak RSS: {idle / 1e6:F1} MB; {runs} runs each, median shown");
            Console.WriteLine("| model | size MB | copy MB/s | load+save MB/s | time ratio (load+save / copy) | peak RSS above idle / size |");
            Console.WriteLine("| --- | ---: | ---: | ---: | ---: | ---: |");
            foreach (var model in models)
            {
                var size = new FileInfo(model).Length;
                var output = Path.Combine(folder, "out.onnx");
                // Small models repeat inside the process so the time is of warm code, not of JIT compilation.
                var repeat = (Math.Clamp(256_000_000 / Math.Max(size, 1), 1, 50)).ToString(CultureInfo.InvariantCulture);
                var copy = Median(Enumerable.Range(0, runs).Select(_ => ChildProcess.Measure("copy", model, output, repeat).Milliseconds));
                var loadSave = Median(Enumerable.Range(0, runs).Select(_ => ChildProcess.Measure("loadsave", model, output, repeat).Milliseconds));
                // Peak memory of one load+save on its own: repeated runs would also count garbage not yet collected.
                var peak = Enumerable.Range(0, runs).Max(_ => ChildProcess.Measure("loadsave", model, output, "1").PeakBytes) - idle;
                Console.WriteLine(FormattableString.Invariant(
                    $"| {Path.GetFileName(model)} | {size / 1e6:F1} | {size / 1e3 / copy:F0} | {size / 1e3 / loadSave:F0} | {loadSave / copy:F2} | {(double)peak / size:F2} |"));
            }
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
        return 0;
    }

    /// <summary>A model of <paramref name="megabytes"/> MB of float weights in 64 MB initializers feeding a chain of Adds.</summary>
    private static string WriteSynthetic(string folder, int megabytes)
    {
        const int chunk = 64 * 1024 * 1024;
        var graph = new GraphProto { Name = "synthetic" };
        var random = new Random(7);
        var remaining = (long)megabytes * 1024 * 1024;
        for (var i = 0; remaining > 0; i++)
        {
            var bytes = new byte[Math.Min(chunk, remaining)];
            random.NextBytes(bytes);
            remaining -= bytes.Length;
            graph.Initializer.Add(new TensorProto
            {
                Name = $"w{i}", DataType = (int)TensorProto.Types.DataType.Float, Dims = { bytes.Length / 4 },
                RawData = UnsafeByteOperations.UnsafeWrap(bytes),
            });
            graph.Output.Add(new ValueInfoProto { Name = $"w{i}" });
        }
        var model = new ModelProto
        {
            IrVersion = 8, ProducerName = "benchmark", Graph = graph,
            OpsetImport = { new OperatorSetIdProto { Domain = "", Version = 13 } },
        };
        var path = Path.Combine(folder, $"synthetic-{megabytes}mb.onnx");
        OnnxModel.FromProto(model).Save(path);
        return path;
    }

    private static double Median(IEnumerable<double> values)
    {
        var sorted = values.Order().ToArray();
        return sorted[sorted.Length / 2];
    }
}

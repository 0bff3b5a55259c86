using System.Diagnostics;
using System.Globalization;
using Compression.Evaluation.DataSets;
using Compression.Evaluation.Execution;
using Compression.Onnx.Model;
using Compression.Testing;

namespace Compression.Benchmarks;

/// <summary>
/// The managed executor against ONNX Runtime 1.30 (through onnxruntime-node) on each real model and its real input, in
/// one run: median latency of warm runs at batch 1 with 1 and 2 threads, and the ratio executor / ONNX Runtime.
/// </summary>
internal static class ExecutorLatencyBenchmark
{
    public static async Task<int> RunAsync(string[] args)
    {
        var iterations = args.Length >= 2 && args[0] == "--iterations" ? int.Parse(args[1], CultureInfo.InvariantCulture) : 20;
        Console.WriteLine($"median of {iterations} warm runs, batch 1");
        Console.WriteLine("| model | threads | executor ms | ONNX Runtime ms | ratio |");
        Console.WriteLine("| --- | ---: | ---: | ---: | ---: |");
        foreach (var real in TestAssets.RealModels)
        {
            using var temp = new TempFolder("bench-executor");
            var inputs = temp.CreateFolder("inputs");
            await RealInputs.WriteAsync(real.Name, inputs);
            var model = OnnxModel.Load(real.RequirePath());
            foreach (var threads in new[] { 1, 2 })
            {
                var executor = new ModelExecutor(model, new ExecutorOptions { Threads = threads });
                var feeds = InputFiles.Load(inputs, executor.Inputs.Select(n => model.Graph.Input.First(i => i.Name == n)).ToList());
                for (var i = 0; i < 3; i++) executor.Run(feeds);
                var times = new List<double>();
                for (var i = 0; i < iterations; i++)
                {
                    var watch = Stopwatch.StartNew();
                    executor.Run(feeds);
                    times.Add(watch.Elapsed.TotalMilliseconds);
                }
                times.Sort();
                var ours = times[times.Count / 2];
                var ort = await OnnxRuntimeOracle.MeasureLatencyAsync(real.Path, inputs, iterations, 3, new OracleOptions { Threads = threads });
                Console.WriteLine(FormattableString.Invariant($"| {real.Name} | {threads} | {ours:F2} | {ort:F2} | {ours / ort:F2} |"));
            }
        }
        return 0;
    }
}

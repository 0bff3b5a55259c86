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
        var iterations = 20;
        var profile = false;
        string? only = null;
        for (var a = 0; a < args.Length; a++)
        {
            if (args[a] == "--iterations") iterations = int.Parse(args[++a], CultureInfo.InvariantCulture);
            else if (args[a] == "--profile") profile = true;
            else if (args[a] == "--model") only = args[++a];
        }
        Console.WriteLine($"median of {iterations} warm runs, batch 1");
        Console.WriteLine("| model | threads | executor ms | ONNX Runtime ms | ratio |");
        Console.WriteLine("| --- | ---: | ---: | ---: | ---: |");
        foreach (var real in TestAssets.RealModels)
        {
            if (only is not null && real.Name != only) continue;
            using var temp = new TempFolder("bench-executor");
            var inputs = temp.CreateFolder("inputs");
            await RealInputs.WriteAsync(real.Name, inputs);
            var model = OnnxModel.Load(real.RequirePath());
            foreach (var threads in new[] { 1, 2 })
            {
                var executor = new ModelExecutor(model, new ExecutorOptions { Threads = threads });
                var feeds = InputFiles.Load(inputs, executor.Inputs.Select(n => model.Graph.Input.First(i => i.Name == n)).ToList());
                // .NET compiles a method first without optimization and recompiles it once it has been called 30
                // times and 100 ms have passed without new compilations; a kernel called once per run needs dozens of
                // runs to get there. Warm up for at least 50 runs and 2 s, so steady state is measured (ONNX Runtime,
                // native, has no such warm-up; a short warm-up made the classifier look 4x slower than it is).
                var warm = Stopwatch.StartNew();
                for (var i = 0; i < 50 || warm.Elapsed.TotalSeconds < 2; i++) executor.Run(feeds);
                var times = new List<double>();
                for (var i = 0; i < iterations; i++)
                {
                    var watch = Stopwatch.StartNew();
                    executor.Run(feeds);
                    times.Add(watch.Elapsed.TotalMilliseconds);
                }
                times.Sort();
                var ours = times[times.Count / 2];
                var ort = await OnnxRuntimeOracle.MeasureLatencyAsync(real.Path, inputs, iterations, 10, new OracleOptions { Threads = threads });
                Console.WriteLine(FormattableString.Invariant($"| {real.Name} | {threads} | {ours:F2} | {ort:F2} | {ours / ort:F2} |"));
                if (profile)
                {
                    var observer = new OperatorProfile();
                    for (var i = 0; i < iterations; i++)
                    {
                        observer.Start();
                        executor.Run(feeds, observer);
                    }
                    foreach (var line in observer.Lines(iterations)) Console.WriteLine(line);
                }
            }
        }
        if (only is null) GemmThroughput.Print();
        return 0;
    }
}

using Compression.Benchmarks;

// dotnet run -c Release --project benchmarks/Compression.Benchmarks -- <benchmark> [options]
return args.FirstOrDefault() switch
{
    "io" => ModelIoBenchmark.Run(args[1..]),
    "executor" => await ExecutorLatencyBenchmark.RunAsync(args[1..]),
    // The GEMM and direct-convolution throughput that `executor` prints last, alone (a quick A/B of a kernel change).
    "kernels" => KernelThroughput(),
    "quantized" => await QuantizedLatencyBenchmark.RunAsync(args[1..]),
    "child" => ChildProcess.RunChild(args[1..]),
    // Runs one command and prints its wall and CPU time and peak RSS (the child the distillation benchmark measures through).
    "measure" => ChildProcess.RunMeasured(args[1..]),
    // Issue 17's table: modelc compress per model, technique and distillation, then SQNR and accuracy in ONNX Runtime.
    "distillation" => await DistillationBenchmark.RunAsync(args[1..]),
    "profile" => await NodeProfile.RunAsync(args[1..]),
    "packing" => PackingBenchmark.Run(args[1..]),
    "sharing" => SharingBenchmark.Run(args[1..]),
    "lowrank" => LowRankBenchmark.Run(args[1..]),
    "profiles" => await ProfileTimeBenchmark.RunAsync(args[1..]),
    // Writes each real model's input files to DIR/<model>, to compare builds with `modelc run` (bit-identity checks).
    "inputs" => await WriteInputsAsync(args[1]),
    _ => Usage(),
};

static async Task<int> WriteInputsAsync(string folder)
{
    foreach (var real in Compression.Testing.TestAssets.RealModels)
    {
        var target = Path.Combine(folder, real.Name);
        Directory.CreateDirectory(target);
        await Compression.Testing.RealInputs.WriteAsync(real.Name, target);
        Console.WriteLine($"{real.Name}\t{real.RequirePath()}\t{target}");
    }
    return 0;
}

static int KernelThroughput()
{
    Compression.Benchmarks.GemmThroughput.Print();
    return 0;
}

static int Usage()
{
    Console.Error.WriteLine("usage: Compression.Benchmarks io [--synthetic-mb N] [--runs N] [MODEL ...] | executor [--iterations N] | kernels | quantized [--iterations N] [--threads 1,2] | distillation [--model A,B] [--technique T,U,NAME=FLAGS] [--distillation none,layerwise] [--timeout-minutes N] [--keep DIR]");
    return 2;
}

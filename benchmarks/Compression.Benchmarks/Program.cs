using Compression.Benchmarks;

// dotnet run -c Release --project benchmarks/Compression.Benchmarks -- <benchmark> [options]
return args.FirstOrDefault() switch
{
    "io" => ModelIoBenchmark.Run(args[1..]),
    "executor" => await ExecutorLatencyBenchmark.RunAsync(args[1..]),
    "quantized" => await QuantizedLatencyBenchmark.RunAsync(args[1..]),
    "child" => ChildProcess.RunChild(args[1..]),
    _ => Usage(),
};

static int Usage()
{
    Console.Error.WriteLine("usage: Compression.Benchmarks io [--synthetic-mb N] [--runs N] [MODEL ...] | executor [--iterations N] | quantized [--iterations N] [--threads 1,2]");
    return 2;
}

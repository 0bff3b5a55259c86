using Compression.Benchmarks;

// dotnet run -c Release --project benchmarks/Compression.Benchmarks -- <benchmark> [options]
return args.FirstOrDefault() switch
{
    "io" => ModelIoBenchmark.Run(args[1..]),
    "executor" => await ExecutorLatencyBenchmark.RunAsync(args[1..]),
    "child" => ChildProcess.RunChild(args[1..]),
    "profile" => await NodeProfile.RunAsync(args[1..]),
    _ => Usage(),
};

static int Usage()
{
    Console.Error.WriteLine("usage: Compression.Benchmarks io [--synthetic-mb N] [--runs N] [MODEL ...] | executor [--iterations N]");
    return 2;
}

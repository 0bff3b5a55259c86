namespace Compression.Evaluation.Execution;

/// <summary>How the executor runs. The thread count changes speed, never results.</summary>
public sealed record ExecutorOptions
{
    public int Threads { get; init; } = 1;

    /// <summary>Whether a depthwise Conv runs band by band inside the 1×1 Conv reading it (off only to compare, in tests and benchmarks).</summary>
    internal bool PairDepthwise { get; init; } = true;

    public static ExecutorOptions Default { get; } = new();
}

namespace Compression.Evaluation.Execution;

/// <summary>How the executor runs. The thread count changes speed, never results.</summary>
public sealed record ExecutorOptions
{
    public int Threads { get; init; } = 1;

    public static ExecutorOptions Default { get; } = new();
}

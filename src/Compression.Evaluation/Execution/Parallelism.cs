namespace Compression.Evaluation.Execution;

/// <summary>
/// Runs independent pieces of work on up to <see cref="Threads"/> threads. Work is split only over independent outputs,
/// and every output is computed by exactly the same sequence of operations whichever thread runs it, so results do not
/// depend on the thread count.
/// </summary>
public sealed class Parallelism
{
    public Parallelism(int threads) => Threads = Math.Max(1, threads);

    public int Threads { get; }

    /// <summary>Calls <paramref name="body"/> for each index in [0, count); in parallel when worth it.</summary>
    public void For(int count, Action<int> body, long workPerItem = 1)
    {
        if (Threads == 1 || count < 2 || count * workPerItem < 32_768)
        {
            for (var i = 0; i < count; i++) body(i);
            return;
        }
        System.Threading.Tasks.Parallel.For(0, count, new ParallelOptions { MaxDegreeOfParallelism = Threads }, body);
    }
}

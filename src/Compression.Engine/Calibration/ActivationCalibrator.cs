using System.Runtime.ExceptionServices;
using Compression.Engine.Recipes;
using Compression.Evaluation.DataSets;
using Compression.Evaluation.Execution;
using Compression.Onnx.Model;

namespace Compression.Engine.Calibration;

/// <summary>
/// Runs a model with the managed executor on every sample of a data set (docs/calibration.md layout: one subfolder per sample,
/// ordinal order) and collects statistics of the named values as they are produced (<see cref="StatisticsCollector"/>).
/// <para>
/// Threads run whole samples: each worker takes the next sample index, loads it, runs it with a single-threaded
/// executor into its own collector, and drops it; collectors merge at the end. Merging is exact and order-free
/// (<see cref="ActivationHistogram"/>), so 1 or N threads give the same statistics, and memory is one sample per worker
/// plus bins per value. A sample that fails (a missing input file, a wrong shape or element type: the data-set reader's
/// coded errors naming the file) stops the run; every sample before it is still read, so the error reported is the
/// first bad sample's whatever the thread count.
/// </para>
/// </summary>
internal static class ActivationCalibrator
{
    /// <summary>Statistics of <paramref name="valueNames"/> over the data set in <paramref name="dataSetFolder"/>.</summary>
    public static CollectedStatistics Collect(OnnxModel model, IEnumerable<string> valueNames, string dataSetFolder, int threads,
        int binCount = ActivationHistogram.DefaultBinCount)
    {
        var names = valueNames.Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();
        var executor = new ModelExecutor(model, new ExecutorOptions { Threads = 1 });
        var feeds = executor.Inputs.Select(n => model.Graph.Input.First(i => i.Name == n)).ToList();
        var samples = DataSet.SampleFolders(dataSetFolder);
        var workers = Math.Clamp(threads, 1, samples.Count);
        var collectors = Enumerable.Range(0, workers).Select(_ => new StatisticsCollector(names, binCount)).ToArray();

        var next = -1;
        var firstFailure = int.MaxValue;
        var failures = new Exception?[samples.Count];
        void Work(int worker)
        {
            while (true)
            {
                var index = Interlocked.Increment(ref next);
                // Past the first failure nothing more is needed; before it, every sample still runs, so the reported
                // failure is the lowest-numbered one whichever worker met which sample first.
                if (index >= samples.Count || index > Volatile.Read(ref firstFailure)) return;
                try
                {
                    var inputs = InputFiles.Load(samples[index], feeds);
                    executor.Run(inputs, collectors[worker]);
                }
                catch (Exception e)
                {
                    failures[index] = e;
                    int seen;
                    while (index < (seen = Volatile.Read(ref firstFailure)) && Interlocked.CompareExchange(ref firstFailure, index, seen) != seen) { }
                }
            }
        }

        if (workers == 1) Work(0);
        else Parallel.For(0, workers, new ParallelOptions { MaxDegreeOfParallelism = workers }, Work);
        if (firstFailure != int.MaxValue) ExceptionDispatchInfo.Capture(failures[firstFailure]!).Throw();

        for (var w = 1; w < workers; w++) collectors[0].Merge(collectors[w]);
        return new CollectedStatistics(collectors[0].Statistics, samples.Count);
    }

    /// <summary>Collects statistics and turns them into calibrated ranges by <paramref name="method"/>.</summary>
    public static CalibrationResult Calibrate(OnnxModel model, IEnumerable<string> valueNames, string dataSetFolder,
        CalibrationMethod method, ActivationType activationType, int threads)
    {
        var collected = Collect(model, valueNames, dataSetFolder, threads);
        return new CalibrationResult(collected.Statistics, method, activationType, collected.Samples);
    }
}

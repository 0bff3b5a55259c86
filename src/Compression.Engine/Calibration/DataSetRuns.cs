using Compression.Evaluation.DataSets;
using Compression.Evaluation.Execution;
using Compression.Onnx.Model;
using Compression.Onnx.Protobuf;

namespace Compression.Engine.Calibration;

/// <summary>
/// Runs a model with the managed executor on every sample of a data set, in ordinal sample order, showing each run to
/// one observer. One run after another (the executor's own threads speed each run without changing a value) is what
/// makes order-dependent statistics, such as sums, the same whatever the thread count; the first bad sample is the
/// one reported, as calibration reports it.
/// </summary>
internal static class DataSetRuns
{
    public static void Observe(ModelProto model, string? sourcePath, string dataSetFolder, int threads, IExecutionObserver observer) =>
        Observe(model, sourcePath, DataSet.SampleFolders(dataSetFolder), threads, observer);

    /// <summary>The same over the given sample folders, in the order given.</summary>
    public static void Observe(ModelProto model, string? sourcePath, IReadOnlyList<string> samples, int threads, IExecutionObserver observer)
    {
        // A copy: the executor may prepare what it runs, and the caller is usually about to change the weights.
        var onnx = OnnxModel.FromProto(model.Clone(), sourcePath);
        var executor = new ModelExecutor(onnx, new ExecutorOptions { Threads = Math.Max(1, threads) });
        var feeds = executor.Inputs.Select(n => onnx.Graph.Input.First(i => i.Name == n)).ToList();
        foreach (var sample in samples)
            executor.Run(InputFiles.Load(sample, feeds), observer);
    }
}

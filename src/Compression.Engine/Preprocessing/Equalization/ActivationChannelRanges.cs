using Compression.Evaluation.DataSets;
using Compression.Evaluation.Execution;
using Compression.Onnx.Model;
using Compression.Onnx.Protobuf;

namespace Compression.Engine.Preprocessing.Equalization;

/// <summary>
/// Per-channel max |x| of chosen values over a data set, from the managed executor. Samples run in their ordinal order
/// (the first bad sample is the one reported, as calibration reports it); the executor's own threads speed each run
/// without changing a value, and a maximum does not depend on order anyway.
/// </summary>
internal static class ActivationChannelRanges
{
    public static IReadOnlyDictionary<string, double[]> Measure(ModelProto model, string? sourcePath,
        IReadOnlyDictionary<string, bool> channelsLastByValue, string dataSetFolder, int threads)
    {
        // A copy: the executor may prepare what it runs, and the pass is about to change the weights.
        var onnx = OnnxModel.FromProto(model.Clone(), sourcePath);
        var executor = new ModelExecutor(onnx, new ExecutorOptions { Threads = Math.Max(1, threads) });
        var feeds = executor.Inputs.Select(n => onnx.Graph.Input.First(i => i.Name == n)).ToList();
        var collector = new ChannelRangeCollector(channelsLastByValue);
        foreach (var sample in DataSet.SampleFolders(dataSetFolder))
            executor.Run(InputFiles.Load(sample, feeds), collector);
        return collector.Ranges;
    }
}

using Compression.Engine.Calibration;
using Compression.Onnx.Protobuf;

namespace Compression.Engine.Preprocessing.Equalization;

/// <summary>
/// Per-channel max |x| of chosen values over a data set, from the managed executor (<see cref="DataSetRuns"/>); a
/// maximum does not depend on order anyway.
/// </summary>
internal static class ActivationChannelRanges
{
    public static IReadOnlyDictionary<string, double[]> Measure(ModelProto model, string? sourcePath,
        IReadOnlyDictionary<string, bool> channelsLastByValue, string dataSetFolder, int threads)
    {
        var collector = new ChannelRangeCollector(channelsLastByValue);
        DataSetRuns.Observe(model, sourcePath, dataSetFolder, threads, collector);
        return collector.Ranges;
    }
}

using Compression.Engine.Calibration;
using Compression.Onnx.Protobuf;

namespace Compression.Engine.Pruning.Unstructured;

/// <summary>
/// Mean |x| per input channel of the activations pruned layers read, over a calibration data set. This is the
/// activation half of weight × activation importance (as in Wanda, Sun et al. 2023, which uses the channel's L2 norm;
/// the mean magnitude is the first-moment form): a small weight on a loud channel can matter more than a large one on
/// a quiet channel. Samples run one after another (<see cref="DataSetRuns"/>), so the sums do not depend on threads.
/// </summary>
internal static class ActivationMagnitudes
{
    public static IReadOnlyDictionary<string, double[]> Measure(ModelProto model, string? sourcePath,
        IReadOnlyDictionary<string, (int Axis, bool Last)> channelAxes, string dataSetFolder, int threads)
    {
        var collector = new ChannelMagnitudeCollector(channelAxes);
        DataSetRuns.Observe(model, sourcePath, dataSetFolder, threads, collector);
        return collector.Means();
    }
}

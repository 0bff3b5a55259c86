using Compression.Evaluation.Execution;
using Compression.Evaluation.Tensors;
using Compression.Onnx.Protobuf;
using DataType = Compression.Onnx.Protobuf.TensorProto.Types.DataType;

namespace Compression.Engine.Preprocessing.Equalization;

/// <summary>
/// An executor observer keeping max |x| per channel of named float values (channels on axis 1, or on the last axis for
/// feature-last values). A maximum is exact and order-free, so the samples' order and the executor's thread count
/// cannot change it; memory is one number per channel.
/// </summary>
internal sealed class ChannelRangeCollector(IReadOnlyDictionary<string, bool> channelsLastByValue) : IExecutionObserver
{
    private readonly Dictionary<string, double[]> _ranges = new(StringComparer.Ordinal);

    /// <summary>Per-channel max |x| of each value seen so far; a value never produced is absent.</summary>
    public IReadOnlyDictionary<string, double[]> Ranges => _ranges;

    public void Observe(string name, Tensor value, NodeProto? producer)
    {
        if (!channelsLastByValue.TryGetValue(name, out var channelsLast) || value.ElementType != DataType.Float || value.Rank < 2) return;
        var shape = value.Shape;
        var axis = channelsLast ? shape.Length - 1 : 1;
        var channels = shape[axis];
        var inner = 1;
        for (var a = axis + 1; a < shape.Length; a++) inner *= shape[a];
        if (!_ranges.TryGetValue(name, out var ranges)) _ranges[name] = ranges = new double[channels];
        if (ranges.Length != channels) return;
        var data = value.ReadOnlySpan<float>();
        for (var start = 0; start < data.Length; start += inner)
        {
            var c = start / inner % channels;
            var max = ranges[c];
            // Compared, not Math.Max: a NaN (a broken sample) must not poison the range.
            foreach (var v in data.Slice(start, inner))
                if (Math.Abs(v) > max) max = Math.Abs(v);
            ranges[c] = max;
        }
    }
}

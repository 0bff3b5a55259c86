using Compression.Evaluation.Execution;
using Compression.Evaluation.Tensors;
using Compression.Onnx.Protobuf;
using DataType = Compression.Onnx.Protobuf.TensorProto.Types.DataType;

namespace Compression.Engine.Pruning.Unstructured;

/// <summary>
/// An executor observer summing |x| per channel of named float values (channels on a given axis, or on the last one)
/// in double precision, element by element in the order the run produced them. Runs go one after another in sample
/// order, so the sums — and the pruning masks that follow — do not depend on the executor's thread count.
/// </summary>
internal sealed class ChannelMagnitudeCollector(IReadOnlyDictionary<string, (int Axis, bool Last)> channelAxes) : IExecutionObserver
{
    private readonly Dictionary<string, (double[] Sums, long PerChannel)> _sums = new(StringComparer.Ordinal);

    /// <summary>Mean |x| per channel of each value seen; a value never produced (or produced with varying channel counts) is absent.</summary>
    public IReadOnlyDictionary<string, double[]> Means() => _sums
        .Where(p => p.Value.PerChannel > 0)
        .ToDictionary(p => p.Key, p => p.Value.Sums.Select(s => s / p.Value.PerChannel).ToArray(), StringComparer.Ordinal);

    public void Observe(string name, Tensor value, NodeProto? producer)
    {
        if (!channelAxes.TryGetValue(name, out var where) || value.ElementType != DataType.Float || value.Rank < 1) return;
        var shape = value.Shape;
        var axis = where.Last ? shape.Length - 1 : where.Axis;
        if (axis >= shape.Length) return;
        var channels = shape[axis];
        var inner = 1;
        for (var a = axis + 1; a < shape.Length; a++) inner *= shape[a];
        if (!_sums.TryGetValue(name, out var entry)) entry = (new double[channels], 0);
        if (entry.Sums.Length != channels)
        {
            // Channel counts that change between runs have no per-channel mean: the weights keep |w| alone.
            _sums[name] = (entry.Sums, -1);
            return;
        }
        if (entry.PerChannel < 0) return;
        var data = value.ReadOnlySpan<float>();
        for (var start = 0; start < data.Length; start += inner)
        {
            var c = start / inner % channels;
            var sum = entry.Sums[c];
            foreach (var v in data.Slice(start, inner))
                if (float.IsFinite(v)) sum += Math.Abs(v);
            entry.Sums[c] = sum;
        }
        _sums[name] = (entry.Sums, entry.PerChannel + data.Length / channels);
    }
}

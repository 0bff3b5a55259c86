using Compression.Evaluation.Execution;
using Compression.Evaluation.Tensors;
using Compression.Onnx.Protobuf;
using DataType = Compression.Onnx.Protobuf.TensorProto.Types.DataType;

namespace Compression.Engine.Pruning.Structured;

/// <summary>
/// An executor observer summing x² per channel (axis 1, or the last axis for the features of a [batch, sequence,
/// features] activation) of named float values, and counting the elements per channel, so <see cref="MeanSquares"/> is
/// E[x_c²] over every position and sample. Sums run in a fixed order (samples in
/// ordinal order, elements in memory order) so the result does not depend on the executor's threads.
/// </summary>
internal sealed class ChannelEnergyCollector(IReadOnlySet<string> values, bool lastAxis = false) : IExecutionObserver
{
    private readonly Dictionary<string, (double[] Sums, long Count)> _sums = new(StringComparer.Ordinal);

    public void Observe(string name, Tensor value, NodeProto? producer)
    {
        if (!values.Contains(name) || value.ElementType != DataType.Float || value.Rank < 2) return;
        var axis = lastAxis ? value.Rank - 1 : 1;
        var channels = value.Shape[axis];
        var inner = value.Shape.Skip(axis + 1).Aggregate(1, (a, d) => a * d);
        var (sums, count) = _sums.GetValueOrDefault(name, (new double[channels], 0));
        if (sums.Length != channels) return;
        var data = value.ReadOnlySpan<float>();
        for (var start = 0; start < data.Length; start += inner)
        {
            var c = start / inner % channels;
            var sum = 0.0;
            foreach (var v in data.Slice(start, inner)) sum += (double)v * v;
            sums[c] += sum;
        }
        _sums[name] = (sums, count + (data.Length / channels));
    }

    public IReadOnlyDictionary<string, double[]> MeanSquares() =>
        _sums.ToDictionary(p => p.Key, p => p.Value.Sums.Select(s => p.Value.Count == 0 ? 0 : s / p.Value.Count).ToArray(), StringComparer.Ordinal);
}

using Compression.Evaluation.Execution;
using Compression.Evaluation.Tensors;
using Compression.Onnx.Protobuf;
using DataType = Compression.Onnx.Protobuf.TensorProto.Types.DataType;

namespace Compression.Engine.Calibration;

/// <summary>
/// An executor observer that folds every float value it is asked about into its <see cref="TensorStatistics"/> as the
/// run produces it, so no activation outlives the node that reads it last: memory is bins × values, never samples.
/// Values inside subgraphs (a Loop body) are folded in each time they are produced. Float16 and double values are
/// widened/narrowed to float first (a model calibrated in fp16 is rare; the range is what matters). Values of other
/// element types are not activations to quantize and are left alone. One collector per thread; merge them at the end.
/// </summary>
internal sealed class StatisticsCollector : IExecutionObserver
{
    private readonly Dictionary<string, TensorStatistics> _statistics;
    private readonly int _binCount;

    public StatisticsCollector(IEnumerable<string> valueNames, int binCount = ActivationHistogram.DefaultBinCount)
    {
        _binCount = binCount;
        _statistics = valueNames.Distinct(StringComparer.Ordinal)
            .ToDictionary(n => n, _ => new TensorStatistics(binCount), StringComparer.Ordinal);
    }

    /// <summary>The statistics by value name; a value never produced as a float has <see cref="TensorStatistics.Count"/> 0.</summary>
    public IReadOnlyDictionary<string, TensorStatistics> Statistics => _statistics;

    public void Observe(string name, Tensor value, NodeProto? producer)
    {
        if (!_statistics.TryGetValue(name, out var statistics)) return;
        switch (value.ElementType)
        {
            case DataType.Float:
                statistics.Add(value.ReadOnlySpan<float>());
                break;
            case DataType.Float16:
                statistics.Add(Widen(value.ReadOnlySpan<Half>(), h => (float)h));
                break;
            case DataType.Double:
                statistics.Add(Widen(value.ReadOnlySpan<double>(), d => (float)d));
                break;
        }
    }

    /// <summary>Adds another collector's statistics (same names and bins) into this one.</summary>
    public void Merge(StatisticsCollector other)
    {
        if (other._binCount != _binCount) throw new ArgumentException("collectors with different bin counts cannot merge", nameof(other));
        foreach (var (name, statistics) in other._statistics)
            if (_statistics.TryGetValue(name, out var mine)) mine.Merge(statistics);
    }

    private static float[] Widen<T>(ReadOnlySpan<T> values, Func<T, float> convert)
    {
        var result = new float[values.Length];
        for (var i = 0; i < values.Length; i++) result[i] = convert(values[i]);
        return result;
    }
}

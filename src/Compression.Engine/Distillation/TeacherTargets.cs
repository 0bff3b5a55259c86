using Compression.Engine.Calibration;
using Compression.Evaluation.Execution;
using Compression.Evaluation.Tensors;
using Compression.Onnx.Protobuf;

namespace Compression.Engine.Distillation;

/// <summary>
/// Every layer's target rows in every calibration sample, taken from one run of the teacher per sample: the teacher
/// never changes, so the waves and the three fits of a pass (two on the even samples, one on all) share them instead
/// of running the teacher again to each wave's targets. Only the sampled rows are held (at most the row budget per
/// layer over the whole data set), never whole activations.
/// </summary>
internal sealed class TeacherTargets
{
    private readonly Dictionary<(string Target, int Sample), TargetRows?> _rows = new();

    public TeacherTargets(ModelProto teacher, string? sourcePath, IReadOnlyList<string> samples, IReadOnlyList<DistilledLayer> layers, int threads)
    {
        // Layers fit to the same teacher value share its rows (their layouts are that value's shape).
        var byTarget = layers.GroupBy(l => l.Target, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.First(), StringComparer.Ordinal);
        DataSetRuns.Observe(teacher, sourcePath, samples, threads, new Sampler(byTarget, samples.Count, _rows));
    }

    /// <summary>The rows of <paramref name="layer"/>'s target in sample <paramref name="sample"/> (its index in the data set); null when the shapes do not match.</summary>
    public TargetRows? Of(DistilledLayer layer, int sample) =>
        _rows.TryGetValue((layer.Target, sample), out var rows) ? rows : throw new InvalidOperationException($"the teacher computed no '{layer.Target}' in sample {sample}");

    /// <summary>Each value's k-th appearance is sample k: the data set runs one sample at a time, in ordinal order.</summary>
    private sealed class Sampler(Dictionary<string, DistilledLayer> byTarget, int samples, Dictionary<(string, int), TargetRows?> rows) : IExecutionObserver
    {
        private readonly Dictionary<string, int> _seen = new(StringComparer.Ordinal);

        public void Observe(string name, Tensor value, NodeProto? producer)
        {
            if (!byTarget.TryGetValue(name, out var layer)) return;
            var sample = _seen.GetValueOrDefault(name);
            _seen[name] = sample + 1;
            rows[(name, sample)] = value.ElementType == TensorProto.Types.DataType.Float ? LayerStatistics.Sample(layer, value, samples) : null;
        }
    }
}

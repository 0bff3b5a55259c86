using System.Diagnostics;
using Compression.Evaluation.DataSets;
using Compression.Evaluation.Execution;
using Compression.Evaluation.Tensors;
using Compression.Onnx.Model;
using Compression.Onnx.Protobuf;
using DataType = Compression.Onnx.Protobuf.TensorProto.Types.DataType;

namespace Compression.Engine.Reporting;

/// <summary>
/// Measures a compressed model against its original with the managed executor: both run on the same inputs — the
/// validation data set when there is one, else a few seeded synthetic samples (labelled so in the report) — and every
/// float output is compared. The executor's times are the build machine's, not the target device's.
/// </summary>
internal static class FidelityMeter
{
    public const int SyntheticSamples = 2;

    /// <summary>The measurement; throws the executor's <see cref="UnsupportedOperatorException"/> when it cannot run a model.</summary>
    public static FidelityReport Measure(OnnxModel original, OnnxModel compressed, string? validationData)
    {
        var reference = new ModelExecutor(original);
        var candidate = new ModelExecutor(compressed);
        var feeds = reference.Inputs.Select(n => original.Graph.Input.First(i => i.Name == n)).ToList();
        var (samples, label) = string.IsNullOrEmpty(validationData)
            ? (Enumerable.Range(0, SyntheticSamples).Select(seed => SyntheticInputs.Sample(feeds, seed)).ToList(), SyntheticInputs.Label)
            : (DataSet.Load(validationData, feeds).ToList(), $"validation data {validationData}");

        var stats = reference.Outputs.ToDictionary(o => o, _ => new Accumulator());
        var labels = string.IsNullOrEmpty(validationData) ? null : ValidationLabels.Read(validationData, samples.Count);
        int rightOriginal = 0, rightCompressed = 0, index = 0;
        double originalMs = 0, compressedMs = 0;
        foreach (var sample in samples)
        {
            var watch = Stopwatch.StartNew();
            var expected = reference.Run(sample);
            originalMs += watch.Elapsed.TotalMilliseconds;
            watch.Restart();
            var actual = candidate.Run(sample);
            compressedMs += watch.Elapsed.TotalMilliseconds;
            foreach (var name in reference.Outputs)
                if (expected[name].ElementType == DataType.Float && actual.TryGetValue(name, out var got) && got.ElementType == DataType.Float)
                    stats[name].Add(expected[name], got);
            if (labels is not null && ValidationLabels.ClassScores(reference.Outputs, expected) is { } scores)
            {
                if (ValidationLabels.Predicted(expected[scores]) == labels[index]) rightOriginal++;
                if (ValidationLabels.Predicted(actual[scores]) == labels[index]) rightCompressed++;
            }
            index++;
        }
        var outputs = stats.Where(s => s.Value.Elements > 0).Select(s => s.Value.Result(s.Key)).ToList();
        return new FidelityReport(label, samples.Count, outputs, originalMs / samples.Count, compressedMs / samples.Count)
        {
            Accuracy = labels is null ? null
                : new LabelledAccuracy(samples.Count, 100.0 * rightOriginal / samples.Count, 100.0 * rightCompressed / samples.Count),
        };
    }

    /// <summary>Running sums over samples, so memory does not grow with the data set.</summary>
    private sealed class Accumulator
    {
        private double _signal, _noise, _maxAbs;
        private long _rows, _agree;
        public long Elements { get; private set; }

        public void Add(Tensor expected, Tensor actual)
        {
            var e = expected.ReadOnlySpan<float>();
            var a = actual.ReadOnlySpan<float>();
            for (var i = 0; i < e.Length; i++)
            {
                _signal += (double)e[i] * e[i];
                var d = (double)e[i] - a[i];
                _noise += d * d;
                _maxAbs = Math.Max(_maxAbs, Math.Abs(d));
            }
            Elements += e.Length;
            // Class scores: [N, C] with C > 1 — compare the arg max of every row.
            if (expected.Rank == 2 && expected.Shape[1] > 1)
                for (var row = 0; row < expected.Shape[0]; row++)
                {
                    var c = expected.Shape[1];
                    _rows++;
                    if (ArgMax(e.Slice(row * c, c)) == ArgMax(a.Slice(row * c, c))) _agree++;
                }
        }

        public OutputFidelity Result(string name) => new(name,
            _noise == 0 ? null : 10 * Math.Log10(_signal / _noise),
            _maxAbs,
            _rows > 0 ? (double)_agree / _rows : null);

        private static int ArgMax(ReadOnlySpan<float> values)
        {
            var best = 0;
            for (var i = 1; i < values.Length; i++) if (values[i] > values[best]) best = i;
            return best;
        }
    }
}

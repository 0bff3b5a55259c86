using Compression.Evaluation.Execution;
using Compression.Evaluation.Tensors;
using Compression.Onnx.Protobuf;

namespace Compression.Engine.LowRank;

/// <summary>
/// A model's float graph outputs recorded per sample (the original's, during the refit's probe run), and the agreement
/// of another run with them: the lowest SQNR in dB over those outputs, summed over the data set. Samples are told apart
/// by the order in which each output appears, since the data set runs one sample at a time in ordinal order.
/// </summary>
internal sealed class OutputAgreement(IEnumerable<string> outputs)
{
    private readonly Dictionary<string, List<float[]>> _reference = outputs.ToDictionary(o => o, _ => new List<float[]>(), StringComparer.Ordinal);

    public IExecutionObserver Recorder => new Recording(_reference);

    public Meter StartMeter() => new(_reference);

    private sealed class Recording(Dictionary<string, List<float[]>> reference) : IExecutionObserver
    {
        public void Observe(string name, Tensor value, NodeProto? producer)
        {
            if (value.ElementType == TensorProto.Types.DataType.Float && reference.TryGetValue(name, out var samples))
                samples.Add(value.ReadOnlySpan<float>().ToArray());
        }
    }

    /// <summary>Compares one run's outputs with the recorded ones as they arrive.</summary>
    internal sealed class Meter(Dictionary<string, List<float[]>> reference) : IExecutionObserver
    {
        private readonly Dictionary<string, (int Seen, double Signal, double Error)> _sums = new(StringComparer.Ordinal);

        public void Observe(string name, Tensor value, NodeProto? producer)
        {
            if (value.ElementType != TensorProto.Types.DataType.Float || !reference.TryGetValue(name, out var samples)) return;
            var (seen, signal, error) = _sums.GetValueOrDefault(name);
            if (seen < samples.Count && samples[seen].Length == value.Length)
            {
                var expected = samples[seen];
                var actual = value.ReadOnlySpan<float>();
                for (var i = 0; i < expected.Length; i++)
                {
                    var difference = (double)actual[i] - expected[i];
                    signal += (double)expected[i] * expected[i];
                    error += difference * difference;
                }
            }
            _sums[name] = (seen + 1, signal, error);
        }

        /// <summary>The lowest SQNR (dB) over the outputs seen; +∞ when none was.</summary>
        public double MinSqnrDb => _sums.Count == 0 ? double.PositiveInfinity
            : _sums.Values.Min(s => 10 * Math.Log10(Math.Max(s.Signal, 1e-30) / Math.Max(s.Error, 1e-30)));
    }
}

using Compression.Evaluation.DataSets;
using Compression.Evaluation.Execution;
using Compression.Evaluation.Tensors;
using Compression.Onnx.Model;
using Compression.Onnx.Protobuf;
using DataType = Compression.Onnx.Protobuf.TensorProto.Types.DataType;

namespace Compression.Engine.Budget;

/// <summary>
/// Which layers cost the most fidelity: the original and the compressed model run side by side on the validation
/// samples, observers compare every watched value (names survive compression), and each candidate node is charged the
/// SQNR its output loses against its input — the noise the node itself adds. Layers are ranked by that charge.
/// </summary>
internal static class LayerSensitivity
{
    /// <summary>A node's charge: SQNR of its input minus SQNR of its output, in dB (an exact input counts as 300 dB).</summary>
    public sealed record Layer(string Node, string OpType, double InputDb, double OutputDb)
    {
        public double AddedDb => Math.Min(InputDb, ExactDb) - OutputDb;

        public override string ToString() => FormattableString.Invariant($"{Node} ({OpType}, {AddedDb:F1} dB lost: {Math.Min(InputDb, ExactDb):F1} → {OutputDb:F1})");
    }

    private const double ExactDb = 300;

    /// <summary>The candidates (node names, which compression keeps) ranked by the fidelity they cost, worst first.</summary>
    public static IReadOnlyList<Layer> Rank(OnnxModel original, OnnxModel compressed, string validationData, IEnumerable<string> candidates)
    {
        // Values are compared by name: a name the compression kept (a DequantizeLinear writes the quantized value under
        // its original name; fp16 reads go through Casts) is followed back or forward to the original's value.
        var originalValues = original.Graph.Node.SelectMany(n => n.Output).Concat(original.Graph.Input.Select(i => i.Name)).ToHashSet(StringComparer.Ordinal);
        var compressedIndex = new Compression.Onnx.Graph.ModelIndex(compressed.Proto).Main;
        var byName = compressed.Graph.Node.Where(n => n.Name.Length > 0).GroupBy(n => n.Name).Where(g => g.Count() == 1)
            .ToDictionary(g => g.Key, g => g.First(), StringComparer.Ordinal);
        var layers = new List<(string Name, string OpType, string Input, string Output)>();
        foreach (var name in candidates)
        {
            if (!byName.TryGetValue(name, out var node) || node.Input.Count == 0 || node.Output.Count == 0) continue;
            var input = Back(node.Input[0], compressedIndex, originalValues);
            var output = Forward(node.Output[0], compressedIndex, originalValues);
            if (input is not null && output is not null) layers.Add((name, node.OpType, input, output));
        }
        var watched = layers.SelectMany(l => new[] { l.Input, l.Output }).ToHashSet(StringComparer.Ordinal);

        var reference = new ModelExecutor(original);
        var candidate = new ModelExecutor(compressed);
        var feeds = reference.Inputs.Select(n => original.Graph.Input.First(i => i.Name == n)).ToList();
        var capture = new Capture(watched);
        var compare = new Compare(capture);
        foreach (var sample in DataSet.Load(validationData, feeds))
        {
            capture.Values.Clear();
            reference.Run(sample, capture);
            candidate.Run(sample, compare);
        }
        double Db(string value) => compare.Sums.TryGetValue(value, out var s) ? (s.Noise == 0 ? ExactDb : 10 * Math.Log10(s.Signal / s.Noise)) : ExactDb;
        return layers.Select(l => new Layer(l.Name, l.OpType, Db(l.Input), Db(l.Output)))
            .OrderByDescending(l => l.AddedDb).ThenBy(l => l.Node, StringComparer.Ordinal).ToList();
    }

    /// <summary>The original value an input reads: through the Casts and DequantizeLinear/QuantizeLinear in front of it.</summary>
    private static string? Back(string value, Compression.Onnx.Graph.GraphIndex graph, HashSet<string> originalValues)
    {
        for (var depth = 0; depth < 4; depth++)
        {
            if (originalValues.Contains(value)) return value;
            if (graph.ProducerOf(value) is not { OpType: "Cast" or "DequantizeLinear" or "QuantizeLinear" } producer) return null;
            value = producer.Input[0];
        }
        return null;
    }

    /// <summary>The original value an output becomes: itself, or the QuantizeLinear → DequantizeLinear (or Cast) after it.</summary>
    private static string? Forward(string value, Compression.Onnx.Graph.GraphIndex graph, HashSet<string> originalValues)
    {
        for (var depth = 0; depth < 4; depth++)
        {
            if (originalValues.Contains(value)) return value;
            var next = graph.ConsumersOf(value).FirstOrDefault(c => c.OpType is "QuantizeLinear" or "DequantizeLinear" or "Cast");
            if (next is null) return null;
            value = next.Output[0];
        }
        return null;
    }

    private static float[]? AsFloats(Tensor value) => value.ElementType switch
    {
        DataType.Float => value.ReadOnlySpan<float>().ToArray(),
        DataType.Float16 => value.ReadOnlySpan<Half>().ToArray().Select(h => (float)h).ToArray(),
        _ => null,
    };

    private sealed class Capture(HashSet<string> watched) : IExecutionObserver
    {
        public Dictionary<string, float[]> Values { get; } = new(StringComparer.Ordinal);

        public void Observe(string name, Tensor value, NodeProto? producer)
        {
            if (watched.Contains(name) && AsFloats(value) is { } values) Values[name] = values;
        }
    }

    private sealed class Compare(Capture reference) : IExecutionObserver
    {
        public Dictionary<string, (double Signal, double Noise)> Sums { get; } = new(StringComparer.Ordinal);

        public void Observe(string name, Tensor value, NodeProto? producer)
        {
            if (!reference.Values.TryGetValue(name, out var expected) || AsFloats(value) is not { } actual || actual.Length != expected.Length) return;
            double signal = 0, noise = 0;
            for (var i = 0; i < expected.Length; i++)
            {
                signal += (double)expected[i] * expected[i];
                var d = (double)expected[i] - actual[i];
                noise += d * d;
            }
            var sum = Sums.GetValueOrDefault(name);
            Sums[name] = (sum.Signal + signal, sum.Noise + noise);
        }
    }
}

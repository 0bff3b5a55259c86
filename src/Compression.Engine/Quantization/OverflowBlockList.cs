using Compression.Engine.Calibration;
using Compression.Engine.Pipeline;
using Compression.Onnx.Graph;
using Compression.Onnx.Model;
using Compression.Onnx.Protobuf;

namespace Compression.Engine.Quantization;

/// <summary>
/// fp16 made safe: one float32 run over the calibration data finds the activations whose magnitude comes near
/// float16's largest value (65504); the nodes that produce them and the nodes that read them stay float32, so the
/// value never exists in fp16 (a reader in fp16 would take an infinity). "Near" is a quarter of the range: inputs the
/// calibration set did not show can be larger, and fp16 arithmetic inside a kernel (a dot product's running sum) can
/// exceed the values it writes.
/// </summary>
internal static class OverflowBlockList
{
    /// <summary>Activations at or above this magnitude on the calibration data stay float32.</summary>
    public const float Threshold = 65504f / 4;

    public sealed record Result(IReadOnlyCollection<NodeProto> Nodes, IReadOnlyList<string> Values, string Note);

    public static Result Find(CompressionContext context, GraphIndex graph, IReadOnlySet<string> floatValues)
    {
        if (context.CalibrationData is null)
            return new Result([], [], "no CalibrationData: fp16 kept no activation in float32 for its range (only constants beyond fp16's)");

        var produced = graph.Graph.Node.SelectMany(n => n.Output).Where(floatValues.Contains).ToList();
        var statistics = ActivationCalibrator.Collect(OnnxModel.FromProto(context.Model.Clone(), context.Original.SourcePath),
            produced, context.CalibrationData, context.Threads);
        var large = produced.Where(v => statistics.Statistics.TryGetValue(v, out var s) && (s.MaxAbs >= Threshold || s.NonFinite > 0))
            .Order(StringComparer.Ordinal).ToList();
        var nodes = new HashSet<NodeProto>(ReferenceEqualityComparer.Instance);
        foreach (var value in large)
        {
            if (graph.ProducerOf(value) is { } producer) nodes.Add(producer);
            foreach (var reader in graph.ConsumersOf(value)) nodes.Add(reader);
        }
        var note = large.Count == 0
            ? $"no activation reached {Threshold:0} on {statistics.Samples} calibration sample(s): none kept float32 for its range"
            : $"{large.Count} activation(s) reached {Threshold:0} on {statistics.Samples} calibration sample(s) and stay float32 with {nodes.Count} node(s): {string.Join(", ", large.Take(5))}{(large.Count > 5 ? ", ..." : "")}";
        return new Result(nodes, large, note);
    }
}

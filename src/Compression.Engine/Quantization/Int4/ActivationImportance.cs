using Compression.Engine.Calibration;
using Compression.Engine.Pipeline;
using Compression.Engine.Preprocessing.Equalization;
using Compression.Onnx.Editing;
using Compression.Onnx.Graph;
using Compression.Onnx.Protobuf;

namespace Compression.Engine.Quantization.Int4;

/// <summary>
/// How much each input channel of a MatMul/Gemm weight matters to its output, measured on the calibration data: the
/// square of the channel's largest |activation| (the input's last axis, which a MatMul reduces). A weight row that
/// meets large activations contributes proportionally more output error when rounded (AWQ's observation), so the
/// int4 scale search weighs it more. Maxima are exact and order-free, so the thread count cannot change the result.
/// Without calibration data there is none, and every channel counts alike.
/// </summary>
internal sealed class ActivationImportance
{
    private readonly IReadOnlyDictionary<string, double[]> _ranges;

    private ActivationImportance(IReadOnlyDictionary<string, double[]> ranges) => _ranges = ranges;

    /// <summary>Whether activations were measured (CalibrationData was given).</summary>
    public bool Measured => _ranges.Count > 0;

    public static ActivationImportance Measure(CompressionContext context)
    {
        if (context.CalibrationData is null) return new ActivationImportance(new Dictionary<string, double[]>());
        var index = new ModelIndex(context.Model);
        var inputs = new Dictionary<string, bool>(StringComparer.Ordinal);
        foreach (var graph in new[] { index.Main })
            foreach (var node in graph.Graph.Node)
                if (node.OpType is "MatMul" or "Gemm" && node.Domain is "" or "ai.onnx" && node.Input.Count > 1 && node.GetInt("transA", 0) == 0
                    && ConstantWeights.Find(graph, node.Input[1]) is not null && ConstantWeights.Find(graph, node.Input[0]) is null)
                    inputs[node.Input[0]] = true; // channels last: a MatMul reduces its input's last axis
        if (inputs.Count == 0) return new ActivationImportance(new Dictionary<string, double[]>());
        var collector = new ChannelRangeCollector(inputs);
        DataSetRuns.Observe(context.Model, context.Original.SourcePath, context.CalibrationData, context.Threads, collector);
        return new ActivationImportance(collector.Ranges);
    }

    /// <summary>The importance of each of the <paramref name="k"/> input channels of <paramref name="node"/>'s weight, or empty when not measured.</summary>
    public ReadOnlySpan<float> For(NodeProto node, int k)
    {
        if (node.GetInt("transA", 0) != 0 || !_ranges.TryGetValue(node.Input[0], out var ranges) || ranges.Length != k) return default;
        return ranges.Select(r => (float)(r * r)).ToArray();
    }
}

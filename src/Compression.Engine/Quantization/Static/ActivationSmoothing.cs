using Compression.Engine.Pipeline;
using Compression.Engine.Preprocessing.Equalization;
using Compression.Onnx.Editing;
using Compression.Onnx.Graph;
using Compression.Onnx.Protobuf;
using Compression.Onnx.Tensors;

namespace Compression.Engine.Quantization.Static;

/// <summary>
/// SmoothQuant-style migration of activation outliers into weights (Xiao et al. 2023): for an activation X read by
/// MatMul/Gemm layers with constant weights, input channel j is divided by s_j = a_j^α / w_j^(1−α) (a_j the channel's
/// measured max |x|, w_j the largest weight reading it over those layers) and the weight rows reading it are multiplied
/// by s_j. X·W = (X·diag(1/s))·(diag(s)·W) exactly in real arithmetic; what changes is that a few outlier channels no
/// longer set the one static range the whole activation shares. The division is an explicit Mul on the branch to those
/// layers (the value's other readers, such as a residual Add, still read X), because the LayerNorm that writes X in a
/// transformer usually feeds the residual path too, so it cannot absorb the scales. Whether the model keeps the
/// smoothing is decided by <see cref="StaticInt8Pass"/> by measuring the plan with and without it.
/// </summary>
internal static class ActivationSmoothing
{
    /// <summary>The migration strength SmoothQuant finds best for BERT- and OPT-style models: outliers shared evenly.</summary>
    public const double Alpha = 0.5;

    /// <summary>A channel whose range is below this fraction of its tensor's largest keeps s = 1: its ratio is noise.</summary>
    private const double DeadFraction = 1e-6;

    /// <summary>An activation and the layers that read it as their first input, all of which can be rescaled.</summary>
    private sealed record Group(string Input, IReadOnlyList<ChannelLayer> Layers);

    /// <summary>Per-channel max |x| of every activation a group reads, measured on the float model over the calibration data.</summary>
    public static IReadOnlyDictionary<string, double[]> MeasureRanges(CompressionContext context, ModelProto model)
    {
        var groups = Groups(model, context.IsExcluded);
        if (groups.Count == 0) return new Dictionary<string, double[]>();
        return ActivationChannelRanges.Measure(model, context.Original.SourcePath,
            groups.ToDictionary(g => g.Input, _ => true, StringComparer.Ordinal), context.CalibrationData!, context.Threads);
    }

    /// <summary>Smooths <paramref name="model"/> in place with the measured ranges; returns how many activations and channels were rescaled.</summary>
    public static (int Activations, int Channels) Apply(ModelProto model, IReadOnlyDictionary<string, double[]> ranges, Func<NodeProto, bool> excluded)
    {
        var plans = new List<(Group Group, double[] Scales)>();
        foreach (var group in Groups(model, excluded))
        {
            if (!ranges.TryGetValue(group.Input, out var activation) || activation.Length != group.Layers[0].InChannels) continue;
            var weight = new double[activation.Length];
            foreach (var layer in group.Layers)
            {
                var r = layer.InputRanges();
                for (var j = 0; j < weight.Length; j++) weight[j] = Math.Max(weight[j], r[j]);
            }
            var scales = Scales(activation, weight);
            if (scales.Any(s => s != 1)) plans.Add((group, scales));
        }
        if (plans.Count == 0) return (0, 0);

        foreach (var (group, scales) in plans)
            foreach (var layer in group.Layers)
            {
                layer.ScaleInputs(scales);
                layer.WriteBack();
            }

        var editor = new ModelEditor(model);
        var graph = editor.Main;
        var channels = 0;
        foreach (var (group, scales) in plans)
        {
            var names = editor.Names;
            var inverse = names.Next($"{group.Input}_smooth_scale");
            var smoothed = names.Next($"{group.Input}_smoothed");
            graph.AddInitializer(TensorData.Create(inverse, [scales.Length], (ReadOnlySpan<float>)scales.Select(s => (float)(1 / s)).ToArray()));
            // Layers are in graph order (Groups walks the nodes in order), so the first reads the value first.
            graph.InsertBefore(group.Layers[0].Node, NodeBuilder.Op("Mul", names.Next($"{group.Input}_Smooth")).Inputs(group.Input, inverse).Outputs(smoothed).Build());
            foreach (var layer in group.Layers) graph.SetInput(layer.Node, 0, smoothed);
            channels += scales.Count(s => s != 1);
        }
        return (plans.Count, channels);
    }

    /// <summary>s_j = a_j^α / w_j^(1−α); 1 where either side is dead.</summary>
    private static double[] Scales(double[] activation, double[] weight)
    {
        var (maxA, maxW) = (activation.Max(), weight.Max());
        return activation.Select((a, j) =>
        {
            var w = weight[j];
            if (!(a > DeadFraction * maxA) || !(w > DeadFraction * maxW) || !double.IsFinite(a)) return 1.0;
            return Math.Pow(a, Alpha) / Math.Pow(w, 1 - Alpha);
        }).ToArray();
    }

    /// <summary>
    /// Activations of the main graph read by at least one rescalable MatMul/Gemm as its first input, with every such
    /// reader (a weight changes for all its readers at once, so they are grouped), in graph order.
    /// </summary>
    private static List<Group> Groups(ModelProto model, Func<NodeProto, bool> excluded)
    {
        var index = new ModelIndex(model);
        var graph = index.Main;
        var free = ConstantStorage.UsesInitializers(model);
        var groups = new Dictionary<string, List<ChannelLayer>>(StringComparer.Ordinal);
        var order = new List<string>();
        foreach (var node in graph.Graph.Node)
        {
            if (node.OpType is not ("MatMul" or "Gemm") || excluded(node) || node.Input.Count < 2) continue;
            if (ConstantWeights.Find(graph, node.Input[0]) is not null) continue;
            if (ChannelLayer.Create(graph, node, free, asProducer: false) is not { ChannelsLast: true } layer) continue;
            if (!groups.TryGetValue(node.Input[0], out var layers))
            {
                groups[node.Input[0]] = layers = [];
                order.Add(node.Input[0]);
            }
            layers.Add(layer);
        }
        return order.Where(v => groups[v].Select(l => l.InChannels).Distinct().Count() == 1)
            .Select(v => new Group(v, groups[v])).ToList();
    }
}

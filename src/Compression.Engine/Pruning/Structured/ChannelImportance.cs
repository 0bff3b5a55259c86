using Compression.Onnx.Tensors;

namespace Compression.Engine.Pruning.Structured;

/// <summary>
/// How much each channel class is worth keeping, summed over every tensor it spans. Without data: the L2 norms of the
/// filters that write it (a class tied across a residual sums the filters of every branch). With calibration data:
/// the energy it sends into the dense layers that read it, E[x_c²]·Σ w²(reading c) — what removing it would take
/// out of those layers' outputs before any refit, so a large filter after a channel that is nearly always zero (a
/// Relu that rarely fires) counts for little, as it should.
/// </summary>
internal static class ChannelImportance
{
    public static Dictionary<int, double> FromFilters(ChannelGraph graph)
    {
        var importance = new Dictionary<int, double>();
        foreach (var layer in graph.Layers)
        {
            var norms = SquaredSums(layer, layer.OutAxis);
            for (var m = 0; m < norms.Length; m++)
                Add(importance, graph.Slots.Find(graph.Slots.Slot(layer.Output, m)), Math.Sqrt(norms[m]));
        }
        return importance;
    }

    /// <param name="energy">Per tracked value, the mean of x² per channel over the calibration data.</param>
    public static Dictionary<int, double> FromActivations(ChannelGraph graph, IReadOnlyDictionary<string, double[]> energy)
    {
        var importance = new Dictionary<int, double>();
        foreach (var layer in graph.Layers.Where(l => l.IsDense))
        {
            if (!energy.TryGetValue(layer.Input, out var e)) continue;
            var reads = SquaredSums(layer, layer.InAxis);
            for (var c = 0; c < reads.Length && c < e.Length; c++)
                Add(importance, graph.Slots.Find(graph.Slots.Slot(layer.Input, c)), e[c] * reads[c]);
        }
        return importance;
    }

    /// <summary>Σ w² of the weight per index along <paramref name="axis"/>.</summary>
    public static double[] SquaredSums(PrunableLayer layer, int axis)
    {
        var dims = layer.Weight.Tensor.Dims.Select(d => checked((int)d)).ToArray();
        var values = TensorData.Read<float>(layer.Weight.Tensor);
        var inner = dims.Skip(axis + 1).Aggregate(1, (a, d) => a * d);
        var sums = new double[dims[axis]];
        for (var i = 0; i < values.Length; i++) sums[i / inner % dims[axis]] += (double)values[i] * values[i];
        return sums;
    }

    private static void Add(Dictionary<int, double> importance, int root, double value) =>
        importance[root] = importance.GetValueOrDefault(root) + value;
}

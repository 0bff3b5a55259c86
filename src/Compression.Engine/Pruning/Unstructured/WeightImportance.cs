using Compression.Engine.Pipeline;
using Compression.Onnx.Graph;
using Compression.Onnx.Tensors;

namespace Compression.Engine.Pruning.Unstructured;

/// <summary>
/// Scores every element of the prunable weights: |w|, or |w| × mean |x| of the input channel it multiplies when the
/// item has calibration data (a layer whose activation was never produced as a float keeps |w|). NaN weights score
/// +∞ so pruning never hides a broken value by zeroing it.
/// <para>
/// The passes that score with it need the model preprocessed first as for int4 (<see cref="Requirements"/>: constants
/// folded, BatchNormalization folded into its Conv/Gemm, dead code removed; no equalization): a Conv's raw weights are not what it computes with until the BatchNormalization
/// after it scales each output channel, so ranking them across channels would prune the channels a small γ/σ hides.
/// </para>
/// </summary>
internal static class WeightImportance
{
    public static PassRequirements Requirements { get; } = new() { Preprocessing = PreprocessingNeeds.FoldedWeights };

    public static (IReadOnlyList<ScoredWeight> Weights, string Basis) Score(CompressionContext context)
    {
        var index = new ModelIndex(context.Model);
        var weights = PrunableWeights.Find(context, index);
        IReadOnlyDictionary<string, double[]> magnitudes = new Dictionary<string, double[]>();
        string basis = "|w|";
        if (context.CalibrationData is { Length: > 0 } data && weights.Count > 0)
        {
            var axes = new Dictionary<string, (int, bool)>(StringComparer.Ordinal);
            foreach (var w in weights) axes.TryAdd(w.Activation, (w.Layout.ActivationChannelAxis, w.Layout.ActivationChannelLast));
            magnitudes = ActivationMagnitudes.Measure(context.Model, context.Original.SourcePath, axes, data, context.Threads);
            basis = $"|w| × mean |x| per input channel ({weights.Count(w => magnitudes.ContainsKey(w.Activation))} of {weights.Count} layers measured)";
        }

        var scored = new List<ScoredWeight>(weights.Count);
        foreach (var weight in weights)
        {
            var values = TensorData.Read<float>(weight.Weight.Tensor);
            var importance = new float[values.Length];
            var channel = magnitudes.GetValueOrDefault(weight.Activation);
            for (var i = 0; i < values.Length; i++)
            {
                var w = Math.Abs(values[i]);
                if (channel is not null)
                {
                    var c = weight.Layout.InputChannelOf(i);
                    if (c < channel.Length) w = (float)(w * channel[c]);
                }
                importance[i] = float.IsNaN(w) ? float.PositiveInfinity : w;
            }
            scored.Add(new ScoredWeight(weight, values, importance));
        }
        return (scored, basis);
    }
}

using Compression.Engine.Pipeline;
using Compression.Onnx.Editing;
using Compression.Onnx.Graph;
using Compression.Onnx.Protobuf;

namespace Compression.Engine.Preprocessing.Equalization;

/// <summary>
/// Cross-layer equalization (Nagel et al. 2019, "Data-Free Quantization Through Weight Equalization and Bias
/// Correction"): for each producer → [Relu | LeakyRelu | PRelu | Clip(0, ∞)] → consumer pair
/// (<see cref="EqualizationPair"/>), output channel c of the producer (weights and bias) is divided by s_c and the
/// consumer's weights reading channel c are multiplied by s_c. The composed function is unchanged in real arithmetic
/// (the activation is positively homogeneous); float32 only rounds the new weights once. What changes is how evenly
/// the channels share the per-tensor range the quantizer must cover: a depthwise Conv whose output spans [−989, 863]
/// in a few channels while most stay small leaves those small channels a handful of int8 steps.
/// <para>
/// s_c = √(r1_c / r2_c) (<see cref="ChannelScales"/>), r2 the consumer's input-channel weight range and r1 either the
/// producer's output-channel weight range (data-free) or the measured activation range between the two
/// (<see cref="EqualizationMethod.ActivationRanges"/>; activations move by exactly 1/s_c, so they are measured once).
/// Chains (one layer consuming one pair and producing the next) are iterated until the scales settle.
/// </para>
/// </summary>
internal sealed class EqualizationPass(EqualizationOptions? options = null, string? calibrationData = null,
    string? sourcePath = null, int threads = 1) : IPreprocessingPass
{
    private readonly EqualizationOptions _options = options ?? new EqualizationOptions();

    public string Name => "equalize";

    public PassReport Apply(ModelProto model)
    {
        var bytes = ConstantBytes.Of(model);
        var (pairs, skipped) = EqualizationPair.Find(new ModelIndex(model), ConstantStorage.UsesInitializers(model));
        if (pairs.Count == 0) return new PassReport(Name, 0, bytes, bytes, ["no producer → consumer pair to equalize", .. Skipped(skipped)]);

        var notes = new List<string>();
        var method = _options.Method;
        if (method == EqualizationMethod.ActivationRanges && calibrationData is null)
        {
            method = EqualizationMethod.WeightRanges;
            notes.Add("no calibration data: scales from weight ranges (data-free)");
        }
        var activations = method == EqualizationMethod.ActivationRanges ? MeasureActivations(model, pairs) : null;
        var weightSpreadBefore = WeightSpread(pairs);
        var applied = pairs.Select(p => Enumerable.Repeat(1.0, p.Channels).ToArray()).ToList();

        var rounds = 0;
        for (var largest = double.PositiveInfinity; rounds < _options.MaxRounds && largest >= _options.Tolerance; rounds++)
        {
            largest = 0;
            for (var i = 0; i < pairs.Count; i++)
            {
                var pair = pairs[i];
                var producerRanges = activations?[i] is { } a
                    ? a.Select((r, c) => r / applied[i][c]).ToArray()
                    : pair.Producer.OutputRanges();
                var step = ChannelScales.Step(producerRanges, pair.Consumer.InputRanges(), applied[i], _options);
                pair.Producer.ScaleOutputs(step.Select(s => 1 / s).ToArray());
                pair.Consumer.ScaleInputs(step);
                for (var c = 0; c < step.Length; c++)
                {
                    applied[i][c] *= step[c];
                    largest = Math.Max(largest, Math.Abs(Math.Log(step[c])));
                }
            }
        }

        var layers = pairs.SelectMany(p => new[] { p.Producer, p.Consumer }).Distinct().ToList();
        foreach (var layer in layers) layer.WriteBack();

        notes.Insert(0, $"{pairs.Count} pairs equalized ({string.Join(", ", pairs.GroupBy(p => p.Kind).OrderBy(g => g.Key, StringComparer.Ordinal).Select(g => $"{g.Key} ×{g.Count()}"))}) "
            + $"from {(method == EqualizationMethod.ActivationRanges ? "activation" : "weight")} ranges in {rounds} round(s)");
        notes.Add($"weight channel spread (max/mean, geometric mean over pair tensors) {weightSpreadBefore:F2} → {WeightSpread(pairs):F2}");
        if (activations is not null)
        {
            var before = ChannelSpread.GeometricMean(activations.OfType<double[]>().Select(ChannelSpread.Of));
            var after = ChannelSpread.GeometricMean(activations.Select((a, i) => a is null ? null : a.Select((r, c) => r / applied[i][c]).ToArray())
                .OfType<double[]>().Select(ChannelSpread.Of));
            notes.Add($"activation channel spread {before:F2} → {after:F2}");
        }
        notes.AddRange(Skipped(skipped));
        return new PassReport(Name, layers.Sum(l => l.Bias is null ? 1 : 2), bytes, ConstantBytes.Of(model), notes);
    }

    /// <summary>
    /// The geometric mean of the channel spreads of every tensor equalization balances — each producer's weights over
    /// output channels, each consumer's over input channels — in <paramref name="model"/> as it stands: how evenly
    /// per-tensor quantization would see the channels.
    /// </summary>
    public static double WeightSpread(ModelProto model) =>
        WeightSpread(EqualizationPair.Find(new ModelIndex(model), ConstantStorage.UsesInitializers(model)).Pairs);

    private static double WeightSpread(IEnumerable<EqualizationPair> pairs) =>
        ChannelSpread.GeometricMean(pairs.SelectMany(p => new[] { ChannelSpread.Of(p.Producer.OutputRanges()), ChannelSpread.Of(p.Consumer.InputRanges()) }));

    /// <summary>Per pair, the per-channel max |x| of what the consumer reads, or null when the data never produced it.</summary>
    private double[]?[] MeasureActivations(ModelProto model, List<EqualizationPair> pairs)
    {
        // What the consumer reads is the tensor static int8 quantizes between the two (with uint8 activations a Relu
        // is absorbed and its input never quantized). Taking the larger of producer output and consumer input instead
        // let negative pre-Relu values steer the scales, and cost the PaddleOCR classifier 9 dB (measured).
        var values = pairs.ToDictionary(p => p.Between, p => p.Producer.ChannelsLast, StringComparer.Ordinal);
        var ranges = ActivationChannelRanges.Measure(model, sourcePath, values, calibrationData!, threads);
        return pairs.Select(p => ranges.GetValueOrDefault(p.Between) is { } read && read.Length == p.Channels ? read : null).ToArray();
    }

    private static IEnumerable<string> Skipped(SortedDictionary<string, int> skipped) =>
        skipped.Select(p => $"not equalized ×{p.Value}: {p.Key}");
}

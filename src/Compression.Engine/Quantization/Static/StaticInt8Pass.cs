using Compression.Engine.Calibration;
using Compression.Engine.Pipeline;
using Compression.Engine.Recipes;
using Compression.Onnx.Graph;
using Compression.Onnx.Model;
using Compression.Onnx.Protobuf;
using DataType = Compression.Onnx.Protobuf.TensorProto.Types.DataType;

namespace Compression.Engine.Quantization.Static;

/// <summary>
/// <c>Quantization=int8</c>: static QDQ quantization calibrated on the item's CalibrationData. The model is raised to
/// opset 13 (per-channel QuantizeLinear/DequantizeLinear) and preprocessed (constants and BatchNormalization folded),
/// the values <see cref="QdqPlan"/> picks are calibrated with
/// the executor over the data set (<see cref="ActivationCalibrator"/>, the recipe's CalibrationMethod), and
/// <see cref="QdqWriter"/> writes the pairs, int8 weights and int32 biases. Without calibration data, or when the model
/// cannot reach opset 13, it warns with a code and quantizes the weights only (int8-weight) — never a silently bad model.
/// </summary>
internal sealed class StaticInt8Pass : ICompressionPass
{
    /// <summary>QuantizeLinear/DequantizeLinear take an axis (per-channel weights) from this opset.</summary>
    public const long MinimumOpset = 13;

    public string Name => "int8";

    /// <summary>
    /// Calibration data (without it, int8-weight with the options only static int8 reads back at their defaults, so the
    /// fallback is exactly the int8-weight recipe: one cache entry, whichever profile fell back), opset 13, and all
    /// preprocessing: constants and BatchNormalization folded into its Conv/Gemm, so the integer kernels absorb it
    /// instead of a float BatchNormalization running between two quantized tensors, and channels equalized.
    /// </summary>
    public PassRequirements Requirements(Recipe recipe) => new()
    {
        WithoutCalibrationData = new Fallback(
            recipe with
            {
                Quantization = QuantizationMode.Int8Weight,
                ActivationType = Recipe.Identity.ActivationType,
                CalibrationMethod = Recipe.Identity.CalibrationMethod,
                ReduceRange = Recipe.Identity.ReduceRange,
            },
            EngineErrorCodes.NoCalibrationData,
            "static int8 needs CalibrationData (a folder of sample inputs, see docs/calibration.md) to choose activation ranges; the weights were quantized to int8 (int8-weight) instead."),
        Opset = new OpsetRequirement(MinimumOpset, recipe with { Quantization = QuantizationMode.Int8Weight }, EngineErrorCodes.StaticInt8Unavailable, "static int8"),
        Preprocessing = PreprocessingNeeds.All,
    };

    public PassReport Apply(CompressionContext context)
    {
        context.FloatReference = context.Model.Clone();
        var unsigned = context.Recipe.ActivationType == ActivationType.UInt8;
        var weightQMax = context.Recipe.ReduceRange ? ReducedWeightQMax : WeightQMax;

        if (Attempt.Prepare(context, context.FloatReference, unsigned, weightQMax) is not { } attempt)
            return PassReport.Nothing(Name, "no Conv, ConvTranspose, Gemm or MatMul with a constant float weight to quantize");

        // A plan one range per tensor cannot hold: try migrating activation outliers into the weights first, and keep
        // that only when it measures better (SmoothQuant helps where outliers sit in a few channels of a MatMul's input).
        var smoothingNote = (string?)null;
        var full = context.MeasuredFallback ? attempt.Fallback.MeasureFull(attempt.Plan, context.Model) : double.PositiveInfinity;
        if (context.MeasuredFallback && full < SensitivityFallback.BrokenBelowDb)
        {
            var ranges = ActivationSmoothing.MeasureRanges(context, context.FloatReference);
            var unsmoothed = context.Model.Graph;
            context.Model.Graph = unsmoothed.Clone();
            var (activations, channels) = ActivationSmoothing.Apply(context.Model, ranges, context.IsExcluded);
            if (activations > 0)
            {
                var smoothedFloat = context.Model.Clone();
                var trial = Attempt.Prepare(context, smoothedFloat, unsigned, weightQMax)!;
                var smoothedFull = trial.Fallback.MeasureFull(trial.Plan, context.Model);
                var kept = smoothedFull > full;
                smoothingNote = $"activation smoothing (SmoothQuant, α {ActivationSmoothing.Alpha.ToString("0.##", System.Globalization.CultureInfo.InvariantCulture)}) "
                    + $"of {channels} channels in {activations} MatMul/Gemm inputs: the full plan {SensitivityFallback.Db(full)} → {SensitivityFallback.Db(smoothedFull)} "
                    + (kept ? "on the calibration data, kept" : "on the calibration data, not kept");
                if (kept)
                {
                    attempt = trial;
                    context.FloatReference = smoothedFloat;
                }
                else context.Model.Graph = unsmoothed;
            }
            else context.Model.Graph = unsmoothed;
        }

        // Nodes whose quantization costs most stay float until the plan keeps its fidelity target on the calibration data.
        var plan = attempt.Plan;
        var decision = context.MeasuredFallback ? attempt.Fallback.Decide(plan, context.Model) : SensitivityFallback.Decision.None;
        if (decision.KeptFloat.Count > 0)
        {
            var nodes = context.Model.Graph.Node;
            var keptFloat = decision.KeptFloat.Select(i => nodes[i]).ToHashSet(ReferenceEqualityComparer.Instance);
            plan = QdqPlan.Build(attempt.Index, attempt.Types, n => context.IsExcluded(n) || keptFloat.Contains(n), unsigned);
        }
        var writer = new QdqWriter(attempt.Index, plan, attempt.Parameters, weightQMax);
        writer.Write();
        var (before, after) = writer.WeightBytes;
        // What runs in float — nodes kept float for accuracy, embedding lookups (no runtime has an integer Gather to fuse
        // into) — still gets int8 weights in int8-weight's form: the file shrinks and ONNX Runtime fuses the
        // dequantized weights into its 8-bit MatMul kernel, while activations stay float.
        var rest = new Int8WeightPass().Apply(context);
        return new PassReport(Name, plan.ComputeNodes.Count + rest.TensorsChanged, before + rest.BytesBefore, after + rest.BytesAfter,
        [
            .. smoothingNote is null ? [] : new[] { smoothingNote },
            .. decision.Notes,
            .. rest.Notes.Select(n => $"in float with int8 weights: {n}"),
            $"{plan.ComputeNodes.Count} nodes in int8 (weights per channel{(context.Recipe.ReduceRange ? ", 7-bit (reduce range)" : "")}), "
            + $"{plan.QuantizedValues.Count} activations {(unsigned ? "uint8 asymmetric" : "int8 symmetric")} calibrated by "
            + $"{RecipeOptions.Format(context.Recipe.CalibrationMethod)} on {attempt.Samples} sample(s); {plan.AbsorbedActivations.Count} Relu/Clip absorbed",
        ]);
    }

    /// <summary>
    /// The full plan on <c>context.Model</c> as it stands, calibrated on <paramref name="floatModel"/> (the same nodes,
    /// before any pair is written), with the fallback search that would measure it; null when nothing is to quantize.
    /// </summary>
    private sealed record Attempt(ModelIndex Index, IReadOnlyDictionary<string, DataType> Types, QdqPlan Plan,
        IReadOnlyDictionary<string, QdqParameters> Parameters, SensitivityFallback Fallback, int Samples)
    {
        public static Attempt? Prepare(CompressionContext context, ModelProto floatModel, bool unsigned, int weightQMax)
        {
            var index = new ModelIndex(context.Model);
            var types = CompressionContext.InferredTypes(index);
            var plan = QdqPlan.Build(index, types, context.IsExcluded, unsigned);
            if (plan.ComputeNodes.Count == 0) return null;
            var calibration = ActivationCalibrator.Calibrate(OnnxModel.FromProto(floatModel.Clone(), context.Original.SourcePath),
                plan.CalibratedValues, context.CalibrationData!, context.Recipe.CalibrationMethod, context.Recipe.ActivationType, context.Threads);
            // Every value of the full plan gets parameters, data movement's outputs those of the value they move: a plan
            // with nodes kept float may quantize such an output as a compute node's input, where it has no source to follow.
            var parameters = plan.QuantizedValues.ToDictionary(v => v, v =>
            {
                var p = calibration.Parameters(plan.SameAs.GetValueOrDefault(v, v));
                return new QdqParameters(p.Scale, p.ZeroPoint, unsigned ? DataType.Uint8 : DataType.Int8);
            }, StringComparer.Ordinal);
            return new Attempt(index, types, plan, parameters, new SensitivityFallback(context, floatModel, parameters, weightQMax, unsigned), calibration.Samples);
        }
    }

    /// <summary>Symmetric int8 weights use ±127; with reduce_range ±64 (7 bits), as ONNX Runtime's tool does.</summary>
    private const int WeightQMax = 127;

    private const int ReducedWeightQMax = 64;
}

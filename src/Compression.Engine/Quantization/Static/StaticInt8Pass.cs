using Compression.Engine.Calibration;
using Compression.Engine.Pipeline;
using Compression.Engine.Recipes;
using Compression.Onnx.Graph;
using Compression.Onnx.Model;
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

        var index = new ModelIndex(context.Model);
        var types = CompressionContext.InferredTypes(index);
        var unsigned = context.Recipe.ActivationType == ActivationType.UInt8;
        var plan = QdqPlan.Build(index, types, context.IsExcluded, unsigned);
        if (plan.ComputeNodes.Count == 0)
            return PassReport.Nothing(Name, "no Conv, ConvTranspose, Gemm or MatMul with a constant float weight to quantize");

        // Calibrate on the float model as it stands now (converted, preprocessed), before any pair is written.
        var calibration = ActivationCalibrator.Calibrate(OnnxModel.FromProto(context.FloatReference.Clone(), context.Original.SourcePath),
            plan.CalibratedValues, context.CalibrationData!, context.Recipe.CalibrationMethod, context.Recipe.ActivationType, context.Threads);
        // Every value of the full plan gets parameters, data movement's outputs those of the value they move: a plan
        // with nodes kept float may quantize such an output as a compute node's input, where it has no source to follow.
        var parameters = plan.QuantizedValues.ToDictionary(v => v, v =>
        {
            var p = calibration.Parameters(plan.SameAs.GetValueOrDefault(v, v));
            return new QdqParameters(p.Scale, p.ZeroPoint, unsigned ? DataType.Uint8 : DataType.Int8);
        }, StringComparer.Ordinal);

        // Nodes whose quantization costs most stay float until the plan keeps its fidelity target on the calibration data.
        var weightQMax = context.Recipe.ReduceRange ? ReducedWeightQMax : WeightQMax;
        var decision = SensitivityFallback.Decide(context, context.FloatReference, context.Model, plan, parameters, weightQMax, unsigned);
        if (decision.KeptFloat.Count > 0)
        {
            var nodes = context.Model.Graph.Node;
            var keptFloat = decision.KeptFloat.Select(i => nodes[i]).ToHashSet(ReferenceEqualityComparer.Instance);
            plan = QdqPlan.Build(index, types, n => context.IsExcluded(n) || keptFloat.Contains(n), unsigned);
        }
        var writer = new QdqWriter(index, plan, parameters, weightQMax);
        writer.Write();
        var (before, after) = writer.WeightBytes;
        // What runs in float — nodes kept float for accuracy, embedding lookups (no runtime has an integer Gather to fuse
        // into) — still gets int8 weights in int8-weight's form: the file shrinks and ONNX Runtime fuses the
        // dequantized weights into its 8-bit MatMul kernel, while activations stay float.
        var rest = new Int8WeightPass().Apply(context);
        return new PassReport(Name, plan.ComputeNodes.Count + rest.TensorsChanged, before + rest.BytesBefore, after + rest.BytesAfter,
        [
            .. decision.Notes,
            .. rest.Notes.Select(n => $"in float with int8 weights: {n}"),
            $"{plan.ComputeNodes.Count} nodes in int8 (weights per channel{(context.Recipe.ReduceRange ? ", 7-bit (reduce range)" : "")}), "
            + $"{plan.QuantizedValues.Count} activations {(unsigned ? "uint8 asymmetric" : "int8 symmetric")} calibrated by "
            + $"{RecipeOptions.Format(context.Recipe.CalibrationMethod)} on {calibration.Samples} sample(s); {plan.AbsorbedActivations.Count} Relu/Clip absorbed",
        ]);
    }

    /// <summary>Symmetric int8 weights use ±127; with reduce_range ±64 (7 bits), as ONNX Runtime's tool does.</summary>
    private const int WeightQMax = 127;

    private const int ReducedWeightQMax = 64;
}

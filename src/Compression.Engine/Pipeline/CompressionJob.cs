using Compression.Engine.Budget;
using Compression.Engine.Preprocessing;
using Compression.Engine.Recipes;
using Compression.Onnx.Checking;
using Compression.Onnx.Diagnostics;
using Compression.Onnx.Model;

namespace Compression.Engine.Pipeline;

/// <summary>
/// One model ready to compress: loaded, checked, and planned. Preparing is cheap next to compressing (no pass runs),
/// so the build prepares every model, hashes the plan into the cache key, and compresses only on a miss.
/// </summary>
internal sealed record CompressionJob(string ModelPath, OnnxModel Model, string Profile, CompressionPlan Plan)
{
    /// <summary>A data-set folder the passes calibrate on; null for none.</summary>
    public string? CalibrationData { get; init; }

    /// <summary>A data-set folder fidelity (and the budget) is measured on; null for seeded synthetic inputs.</summary>
    public string? ValidationData { get; init; }

    public AccuracyBudget Budget { get; init; } = AccuracyBudget.None;

    /// <summary>The ONNX Runtime check and latency; on by default (builds and the CLI), latency left out by unit tests.</summary>
    public Runtime.OnnxRuntimeOptions OnnxRuntime { get; init; } = Runtime.OnnxRuntimeOptions.Default;

    /// <summary>Threads the executor may use; the bytes do not depend on it.</summary>
    public int Threads { get; init; } = Environment.ProcessorCount;

    /// <summary>The shapes the cost figures are computed with for inputs with dynamic dimensions, each with its source (<see cref="Reporting.RepresentativeShapes"/>).</summary>
    public IReadOnlyList<Compression.Onnx.Summary.InputCostShape> CostShapes { get; init; } = [];

    /// <summary>
    /// Loads and checks the model (a structurally broken one is refused before any work, so no pass has to guess what
    /// it meant), normalizes its initializer inputs (<see cref="Normalization.InitializerInputs"/>) and plans <paramref name="recipe"/> for it. Empty data-set paths count as none.
    /// </summary>
    public static CompressionJob Prepare(string modelPath, string profile, Recipe recipe, string? calibrationData = null,
        string? validationData = null, AccuracyBudget? budget = null, int? threads = null, PreprocessOptions? preprocessing = null,
        IReadOnlyDictionary<string, int[]>? inputShapes = null)
    {
        calibrationData = string.IsNullOrEmpty(calibrationData) ? null : calibrationData;
        validationData = string.IsNullOrEmpty(validationData) ? null : validationData;
        budget ??= AccuracyBudget.None;
        if (budget.IsSet && validationData is null)
            throw new CompressionException(EngineErrorCodes.BudgetNeedsValidationData,
                $"an accuracy budget ({budget}) is measured on ValidationData, and the item has none.", modelPath);
        var model = OnnxModel.Load(modelPath);
        var check = ModelChecker.ThrowIfInvalid(model.Proto, modelPath);
        var normalization = Normalization.InitializerInputs.Normalize(model.Proto, check, recipe);
        var plan = Planner.Plan(model.Proto, recipe, new PlanInputs(calibrationData is not null, modelPath)
        {
            Preprocessing = preprocessing ?? PreprocessOptions.Default,
        });
        if (normalization.Count > 0) plan = plan with { Steps = [.. normalization, .. plan.Steps] };
        return new CompressionJob(modelPath, model, profile, plan)
        {
            CalibrationData = calibrationData,
            ValidationData = validationData,
            Budget = budget,
            Threads = threads ?? Environment.ProcessorCount,
            CostShapes = Reporting.RepresentativeShapes.Resolve(model, inputShapes, validationData, calibrationData),
        };
    }
}

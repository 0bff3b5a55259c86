using System.Globalization;
using Compression.Engine.Pipeline;
using Compression.Engine.Recipes;
using Compression.Onnx.Checking;
using Compression.Onnx.Diagnostics;
using Compression.Onnx.Editing;
using Compression.Onnx.Protobuf;

namespace Compression.Engine.Normalization;

/// <summary>
/// The one normalization a model gets on load, before the planner sees it: initializers that are also graph inputs.
/// Up to IR 3 the format asked every initializer to be a graph input, and IR ≥ 4 exporters with
/// keep_initializers_as_inputs (early PyTorch, CNTK) still write them so; callers never feed them, so they are the
/// model's weights in practice. They are removed from graph.input (the passes then see constants), unless the item keeps
/// them overridable, and an IR 3 model is raised to IR 4, the first IR in which an initializer may stand alone: what the
/// passes add (quantized weights, scales, codebooks) are then valid initializers, and initializers the exporter left out
/// of graph.input (a deviation ONNX Runtime accepts, <see cref="CheckRules.InitializerInput"/>) are valid as they are.
/// Every change is a plan step with a coded warning, so the report and the cache key say what happened. The identity
/// recipe changes nothing (DESIGN.md: `--profile none` saves the model as loaded).
/// </summary>
internal static class InitializerInputs
{
    public const string StepName = "normalize-initializer-inputs";

    /// <summary>
    /// Normalizes <paramref name="model"/> in place for <paramref name="recipe"/>; <paramref name="check"/> is its
    /// structural check (only its repairable deviations remain). Returns the steps to put before the plan's, none when
    /// the model needed nothing.
    /// </summary>
    public static IReadOnlyList<PlanStep> Normalize(ModelProto model, CheckResult check, Recipe recipe)
    {
        var repairable = check.Repairable;
        // The identity recipe saves the model as loaded (DESIGN.md): nothing is compressed, so nothing needs to be a
        // constant, and a deviation ONNX Runtime accepts is only reported.
        if (recipe.CompressesNothing)
            return repairable.Count == 0 ? [] : [Step($"{repairable.Count} deviation(s) left as they are", ErrorCodes.ModelRepaired,
                $"the model deviates from the ONNX format in {repairable.Count} way(s) ONNX Runtime accepts (first: {repairable[0].Message}); " +
                "the identity recipe saves it as loaded, any other recipe repairs it.")];
        var keepOverridable = recipe.KeepInitializerInputs;
        var graph = model.Graph;
        var initializers = graph.Initializer.Select(i => i.Name).ToHashSet(StringComparer.Ordinal);
        var inputs = graph.Input.Where(i => initializers.Contains(i.Name)).ToList();
        var ir = model.IrVersion;
        // Before IR 3 there was no opset_import, which IR 4 requires; such models are left as they are.
        var raise = ir == ConstantStorage.FirstIrWithFreeInitializers - 1;
        if (raise) model.IrVersion = ConstantStorage.FirstIrWithFreeInitializers;
        var irNote = raise ? $"; the IR is raised from {ir} to {model.IrVersion} (the output model says so)" : "";

        var steps = new List<PlanStep>();
        if (repairable.Count > 0)
            steps.Add(Step($"{repairable.Count} deviation(s) repaired", ErrorCodes.ModelRepaired,
                $"the model deviates from the ONNX format in {repairable.Count} way(s) ONNX Runtime accepts (first: {repairable[0].Message}){irNote}."));
        if (inputs.Count > 0 && !keepOverridable)
        {
            foreach (var input in inputs) graph.Input.Remove(input);
            steps.Add(Step($"{Count(inputs.Count)} initializer input(s) made constant", EngineErrorCodes.InitializerInputsMadeConstant,
                $"{Count(inputs.Count)} initializer(s) were also graph inputs and are compressed as the constants they are in practice: " +
                $"they are no longer graph inputs{irNote}. KeepInitializerInputs=true keeps them overridable (and uncompressed)."));
        }
        else if (inputs.Count > 0)
        {
            steps.Add(Step($"{Count(inputs.Count)} initializer input(s) kept overridable", EngineErrorCodes.InitializerInputsKept,
                $"{Count(inputs.Count)} initializer(s) are also graph inputs and stay overridable (KeepInitializerInputs=true): " +
                $"no pass changes them{irNote}."));
        }
        else if (raise && repairable.Count == 0)
        {
            steps.Add(Step($"IR {ir} → {model.IrVersion}", EngineErrorCodes.InitializerInputsMadeConstant,
                $"the model has no initializer inputs{irNote}, so that the constants the passes add need not be graph inputs."));
        }
        return steps;
    }

    private static PlanStep Step(string description, string code, string message) =>
        new(StepKind.Normalization, StepName, description) { Warning = new EngineWarning(code, message) };

    private static string Count(int n) => n.ToString(CultureInfo.InvariantCulture);
}

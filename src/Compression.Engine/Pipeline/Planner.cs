using Compression.Engine.Preprocessing;
using Compression.Engine.Preprocessing.OpsetConversion;
using Compression.Engine.Recipes;
using Compression.Onnx.Diagnostics;
using Compression.Onnx.Protobuf;

namespace Compression.Engine.Pipeline;

/// <summary>What the planner knows besides the model and the recipe.</summary>
/// <param name="HasCalibrationData">Whether the item has CalibrationData (its contents are read when the plan runs).</param>
/// <param name="File">The model's path, for errors.</param>
internal sealed record PlanInputs(bool HasCalibrationData, string? File = null)
{
    /// <summary>Which preprocessing steps may run: all by default; tests compare a step on and off.</summary>
    public PreprocessOptions Preprocessing { get; init; } = PreprocessOptions.Default;
}

/// <summary>
/// Resolves a recipe against a model into one explicit plan before anything runs. The techniques the recipe selects
/// come from <see cref="PassRegistry"/> in its order; each declares its <see cref="PassRequirements"/>. A requirement
/// that cannot be met (no calibration data, an opset the converter cannot reach) becomes the fallback the pass names,
/// as a step with its warning, and the recipe is planned again from the top; then the opset is raised once, before
/// the first pass, to the highest any pass needs; each preprocessing step is planned once, before the first pass that
/// needs it; a pass that leaves work to another (int4 to int8-weight) is followed by it; packing comes last.
/// </summary>
internal static class Planner
{
    public static CompressionPlan Plan(ModelProto model, Recipe recipe, PlanInputs inputs)
    {
        var steps = new List<PlanStep>();
        var opset = OpsetConverter.DefaultOpset(model);
        List<(PassRegistration Registration, PassRequirements Needs)> selected;
        while (true)
        {
            selected = PassRegistry.All.Where(r => r.Selects(recipe)).Select(r => (r, r.Create().Requirements(recipe))).ToList();
            var change = FirstFallback(model, opset, recipe, selected, inputs);
            if (change is null) break;
            if (change.Recipe.Equals(recipe))
                throw new InvalidOperationException($"a fallback must change the recipe it replaces ({change.Code})");
            steps.Add(new PlanStep(StepKind.Fallback, "fallback", $"{recipe} → {change.Recipe}") { Warning = new EngineWarning(change.Code, change.Message) });
            recipe = change.Recipe;
        }

        var target = selected.Select(s => s.Needs.Opset?.Minimum ?? 0).DefaultIfEmpty(0).Max();
        if (target > opset)
            steps.Add(new PlanStep(StepKind.OpsetConversion, "convert-opset", $"opset {opset} → {target}") { Pass = _ => new OpsetConversionPass(target) });

        var done = PreprocessingNeeds.None;
        foreach (var (registration, needs) in selected)
        {
            if (!inputs.HasCalibrationData && needs.WithoutCalibrationData is { } weaker)
                steps.Add(new PlanStep(StepKind.Fallback, "fallback", $"{registration.Name} without CalibrationData")
                    { Warning = new EngineWarning(weaker.Code, weaker.Message) });
            var missing = needs.Preprocessing & ~done;
            foreach (var step in Preprocessor.Steps(missing, inputs.Preprocessing, foldedConstants: done.HasFlag(PreprocessingNeeds.FoldedConstants)))
                steps.Add(new PlanStep(StepKind.Preprocessing, step.Name, step.Description)
                {
                    Pass = c => step.Create(new Preprocessor.Data(c.CalibrationData, c.Original.SourcePath, c.Threads)),
                });
            done |= missing;
            steps.Add(Technique(registration, recipe, null));
            if (needs.ThenRest is { } rest) steps.Add(Technique(PassRegistry.Get(rest), recipe, registration.Name));
        }
        if (recipe.Distillation == DistillationMode.Layerwise && !inputs.HasCalibrationData)
            throw new CompressionException(EngineErrorCodes.DistillationNeedsData,
                "Distillation=layerwise needs CalibrationData: the original model teaches each compressed layer on those samples.", inputs.File);
        // Auto (the built-in profiles) distills when there is data and does not warn when nothing was worth fitting.
        var distills = recipe.Distillation == DistillationMode.Layerwise || (recipe.Distillation == DistillationMode.Auto && inputs.HasCalibrationData);
        var guarded = recipe.Distillation == DistillationMode.Auto; // read now: the recipe is resolved below
        if (distills && steps.Any(s => s.Kind == StepKind.Technique))
            steps.Add(new PlanStep(StepKind.Distillation, "distill-layerwise",
                "every compressed Conv/MatMul/Gemm fit to the original's output on the student's own inputs, its form held (GPTQ/OBS sweep, bias correction)")
            {
                Pass = _ => new Distillation.LayerwiseDistillationPass(guarded),
                ExpectsChange = recipe.Distillation == DistillationMode.Layerwise,
            });
        if (recipe.Packing != PackingMode.None)
            steps.Add(new PlanStep(StepKind.Packing, RecipeOptions.Word(recipe.Packing), "the saved file entropy-coded; the accessor decodes it"));
        // The plan's recipe says what runs: auto becomes layerwise or none.
        if (recipe.Distillation == DistillationMode.Auto)
            recipe = recipe with { Distillation = steps.Any(s => s.Kind == StepKind.Distillation) ? DistillationMode.Layerwise : DistillationMode.None };
        return new CompressionPlan(recipe, steps);
    }

    /// <summary>The first requirement, in pipeline order, that cannot be met and changes the recipe; null when all can.</summary>
    private static Fallback? FirstFallback(ModelProto model, long opset, Recipe recipe,
        IEnumerable<(PassRegistration Registration, PassRequirements Needs)> selected, PlanInputs inputs)
    {
        foreach (var (_, needs) in selected)
        {
            if (!inputs.HasCalibrationData && needs.WithoutCalibrationData is { } fallback && !fallback.Recipe.Equals(recipe))
                return fallback;
            if (needs.Opset is { } required && opset < required.Minimum && OpsetConverter.WhyNot(model, required.Minimum) is { } why)
                return new Fallback(required.Fallback, required.Code, required.Message(why));
        }
        return null;
    }

    private static PlanStep Technique(PassRegistration registration, Recipe recipe, string? restOf) =>
        new(StepKind.Technique, registration.Name,
            (registration.Describe?.Invoke(recipe) ?? registration.Name) + (restOf is null ? "" : $", for what {restOf} leaves"))
        {
            Pass = _ => registration.Create(),
            ExpectsChange = restOf is null,
        };
}

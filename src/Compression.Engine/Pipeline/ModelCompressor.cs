using Compression.Engine.Budget;
using Compression.Engine.Profiles;
using Compression.Engine.Recipes;
using Compression.Onnx.Checking;
using Compression.Onnx.Diagnostics;
using Compression.Onnx.Model;

namespace Compression.Engine.Pipeline;

/// <summary>
/// Runs a compression request: resolve the recipe (profile, then overrides), load and check the model, run the passes,
/// check the result, save it atomically. A model that fails the check is refused before any work; a pass that breaks
/// the structure is an internal error caught here rather than shipped.
/// </summary>
public static class ModelCompressor
{
    public const string IdentityProfile = "none";

    public static CompressionResult Compress(CompressionRequest request, ProfileCatalog? catalog = null)
    {
        catalog ??= new ProfileCatalog();
        var profile = catalog.Get(request.Profile);
        var recipe = RecipeOptions.Apply(profile.Recipe, request.Overrides);
        return Compress(request.ModelPath, Packing.ModelPacking.PathFor(request.OutputPath, recipe.Packing), profile.Name, recipe, request.ValidationData, request.CalibrationData,
            budget: request.Budget);
    }

    /// <summary>
    /// Compresses with an already resolved recipe (the build resolves profiles and options itself). With a
    /// <paramref name="budget"/>, the result is measured on <paramref name="validationData"/>; over budget, the layers
    /// that cost the most fidelity are kept back from the recipe (1, then 2, 4, … of them, re-ranked each round) until
    /// it fits, then the shortest prefix of that order that still fits is searched; when nothing is left to keep back
    /// the compression fails with MCB2201 (modelc exit code 1).
    /// </summary>
    public static CompressionResult Compress(string modelPath, string outputPath, string profileName, Recipe recipe,
        string? validationData = null, string? calibrationData = null, int? threads = null, AccuracyBudget? budget = null)
    {
        var watch = System.Diagnostics.Stopwatch.StartNew();
        budget ??= AccuracyBudget.None;
        if (budget.IsSet && string.IsNullOrEmpty(validationData))
            throw new CompressionException(EngineErrorCodes.BudgetNeedsValidationData,
                $"an accuracy budget ({budget}) is measured on ValidationData, and the item has none.", modelPath);
        (recipe, var fallback) = RecipeFallbacks.Apply(recipe, calibrationData);
        PassPlan.For(recipe, modelPath); // refuses a technique that is not there yet before any work

        var model = OnnxModel.Load(modelPath);
        // A structurally broken model is refused before any work, so no pass has to guess what it meant.
        ModelChecker.ThrowIfInvalid(model.Proto, modelPath);

        Attempt Run(Recipe r)
        {
            var context = new CompressionContext(model, r) { CalibrationData = calibrationData, Threads = threads ?? Environment.ProcessorCount };
            if (fallback is not null) context.Warnings.Add(fallback);
            var reports = PassPlan.For(r, modelPath).Select(p => p.Apply(context)).ToList();
            var result = OnnxModel.FromProto(context.Model, outputPath);
            var check = ModelChecker.Check(result.Proto);
            if (!check.IsValid)
                throw new InvalidOperationException($"the passes produced an invalid model: {check}");
            var (fidelity, note) = Measure(model, result, validationData);
            return new Attempt(context, reports, result, fidelity, note);
        }

        var attempt = Run(recipe);
        var keptBack = new List<LayerSensitivity.Layer>();
        string? budgetNote = null;
        if (budget.IsSet)
        {
            var fidelity = attempt.Fidelity ?? throw new CompressionException(EngineErrorCodes.BudgetNotMeasurable,
                $"the accuracy budget cannot be checked: {attempt.FidelityNote}", modelPath);
            var verdict = budget.Check(fidelity);
            var first = verdict;
            (Attempt Attempt, BudgetVerdict Verdict) Try(int count)
            {
                var trial = Run(recipe with { Exclude = [.. recipe.Exclude, .. keptBack.Take(count).Select(l => l.Node)] });
                return (trial, budget.Check(trial.Fidelity ?? throw new CompressionException(EngineErrorCodes.BudgetNotMeasurable,
                    $"the accuracy budget cannot be checked: {trial.FidelityNote}", modelPath)));
            }
            IReadOnlyList<LayerSensitivity.Layer>? firstRanking = null;
            while (!verdict.Fits)
            {
                var kept = keptBack.Select(l => l.Node).ToHashSet(StringComparer.Ordinal);
                // Against the float model the passes quantized: equalization and folding rescale intermediate values.
                var reference = attempt.Context.FloatReference is { } floats ? OnnxModel.FromProto(floats, modelPath) : model;
                var ranking = LayerSensitivity.Rank(reference, attempt.Result, validationData!, BudgetCandidates.Of(model, recipe).Where(c => !kept.Contains(c)));
                firstRanking ??= ranking;
                if (ranking.Count == 0)
                {
                    throw new BudgetExceededException(
                        $"no fallback fits the accuracy budget ({budget}): {first}; keeping back all {keptBack.Count} candidate layers still gives {verdict}. "
                        + $"The layers that cost most: {string.Join("; ", (firstRanking ?? []).Take(5))}.", modelPath);
                }
                var failed = keptBack.Count;
                keptBack.AddRange(ranking.Take(Math.Max(1, keptBack.Count)));
                (attempt, verdict) = Try(keptBack.Count);
                if (!verdict.Fits) continue;
                // The doubling overshoots by up to half: find the shortest prefix of the kept-back order that still fits.
                var fits = (attempt, verdict, keptBack.Count);
                for (var (low, high) = (failed, keptBack.Count); high - low > 1;)
                {
                    var middle = (low + high) / 2;
                    var trial = Try(middle);
                    if (trial.Verdict.Fits) (high, fits) = (middle, (trial.Attempt, trial.Verdict, middle));
                    else low = middle;
                }
                (attempt, verdict) = (fits.attempt, fits.verdict);
                keptBack.RemoveRange(fits.Item3, keptBack.Count - fits.Item3);
            }
            budgetNote = keptBack.Count == 0
                ? $"within the accuracy budget ({budget}) as it is"
                : $"over the accuracy budget ({budget}) at first ({first}); {keptBack.Count} layer(s) kept back at full precision: {string.Join("; ", keptBack)}";
        }

        attempt.Result.Save(outputPath);
        // Packing entropy-codes the file as saved: what the passes wrote is what the app decodes, byte for byte.
        var packing = attempt.Context.Recipe.Packing == PackingMode.None ? null
            : Packing.ModelPacking.Pack(outputPath, modelPath, attempt.Context.Recipe.Packing, attempt.Context.Threads);
        var elapsed = watch.Elapsed.TotalMilliseconds;
        var summary = Reporting.ModelInspection.Summarize(attempt.Result);
        var reports = budgetNote is null ? attempt.Reports
            : [.. attempt.Reports, new PassReport("accuracy-budget", keptBack.Count, 0, 0, [budgetNote])];
        if (packing is not null)
            reports = [.. reports, new PassReport(packing.Method, 1, packing.ModelBytes, packing.PackedBytes, [packing.ToString()])];
        return new CompressionResult(modelPath, outputPath, profileName, attempt.Context.Recipe.ToString(), reports,
            new FileInfo(modelPath).Length, new FileInfo(outputPath).Length)
        {
            Fidelity = attempt.Fidelity,
            FidelityNote = attempt.FidelityNote,
            Warnings = attempt.Context.Warnings.ToList(),
            Macs = summary.Macs,
            WeightBytesRead = summary.WeightBytes,
            CompressionMilliseconds = elapsed,
            KeptBack = keptBack.Select(l => l.ToString()).ToList(),
            Packing = packing,
        };
    }

    private sealed record Attempt(CompressionContext Context, IReadOnlyList<PassReport> Reports, OnnxModel Result,
        Reporting.FidelityReport? Fidelity, string? FidelityNote);

    /// <summary>Fidelity measured with the executor, or why not (an operator it cannot run).</summary>
    private static (Reporting.FidelityReport? Report, string? Note) Measure(OnnxModel original, OnnxModel compressed, string? validationData)
    {
        try
        {
            return (Reporting.FidelityMeter.Measure(original, compressed, validationData), null);
        }
        catch (Compression.Evaluation.Execution.UnsupportedOperatorException e)
        {
            return (null, $"fidelity not measured: {e.Message}");
        }
        catch (Compression.Evaluation.Execution.KernelException e)
        {
            return (null, $"fidelity not measured: {e.Message}");
        }
    }
}

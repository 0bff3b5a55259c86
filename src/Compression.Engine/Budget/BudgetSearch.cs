using Compression.Engine.Pipeline;
using Compression.Onnx.Diagnostics;
using Compression.Onnx.Model;

namespace Compression.Engine.Budget;

/// <summary>
/// Fits a plan to its accuracy budget: measured on the validation data, over budget, the layers that cost the most
/// fidelity are kept back from the recipe (1, then 2, 4, … of them, re-ranked each round) until it fits, then the
/// shortest prefix of that order that still fits is searched; when nothing is left to keep back it fails with MCB2201
/// (modelc exit code 1).
/// </summary>
internal static class BudgetSearch
{
    /// <summary>What the search settled on: the attempt to ship, the layers kept back, and a note for the report (null without a budget).</summary>
    public sealed record Outcome(CompressionAttempt Attempt, IReadOnlyList<LayerSensitivity.Layer> KeptBack, string? Note);

    /// <param name="run">Runs the plan with the given recipe (the budget adds to its Exclude) and measures it.</param>
    public static Outcome Fit(CompressionJob job, Func<CompressionPlan, CompressionAttempt> run)
    {
        var plan = job.Plan;
        var attempt = run(plan);
        var budget = job.Budget;
        if (!budget.IsSet) return new Outcome(attempt, [], null);

        var keptBack = new List<LayerSensitivity.Layer>();
        var verdict = Check(attempt);
        var first = verdict;
        (CompressionAttempt Attempt, BudgetVerdict Verdict) Try(int count)
        {
            var trial = run(plan with { Recipe = plan.Recipe with { Exclude = [.. plan.Recipe.Exclude, .. keptBack.Take(count).Select(l => l.Node)] } });
            return (trial, Check(trial));
        }
        IReadOnlyList<LayerSensitivity.Layer>? firstRanking = null;
        while (!verdict.Fits)
        {
            var kept = keptBack.Select(l => l.Node).ToHashSet(StringComparer.Ordinal);
            // Against the float model the passes quantized: equalization and folding rescale intermediate values.
            var reference = attempt.Context.FloatReference is { } floats ? OnnxModel.FromProto(floats, job.ModelPath) : job.Model;
            var ranking = LayerSensitivity.Rank(reference, attempt.Result, job.ValidationData!,
                BudgetCandidates.Of(job.Model, plan.Recipe).Where(c => !kept.Contains(c)));
            firstRanking ??= ranking;
            if (ranking.Count == 0)
            {
                throw new BudgetExceededException(
                    $"no fallback fits the accuracy budget ({budget}): {first}; keeping back all {keptBack.Count} candidate layers still gives {verdict}. "
                    + $"The layers that cost most: {string.Join("; ", firstRanking.Take(5))}.", job.ModelPath);
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
        var note = keptBack.Count == 0
            ? $"within the accuracy budget ({budget}) as it is"
            : $"over the accuracy budget ({budget}) at first ({first}); {keptBack.Count} layer(s) kept back at full precision: {string.Join("; ", keptBack)}";
        return new Outcome(attempt, keptBack, note);

        BudgetVerdict Check(CompressionAttempt a) => budget.Check(a.Fidelity ?? throw new CompressionException(EngineErrorCodes.BudgetNotMeasurable,
            $"the accuracy budget cannot be checked: {a.FidelityNote}", job.ModelPath));
    }
}

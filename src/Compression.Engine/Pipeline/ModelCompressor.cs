using Compression.Engine.Budget;
using Compression.Engine.Caching;
using Compression.Engine.Profiles;
using Compression.Engine.Recipes;
using Compression.Engine.Runtime;
using Compression.Onnx.Checking;
using Compression.Onnx.Model;

namespace Compression.Engine.Pipeline;

/// <summary>
/// Runs a prepared job (<see cref="CompressionJob"/>: loaded, checked, planned): the plan's steps over a copy of the
/// model, the structural check of what they made, the fidelity measurement, the accuracy budget's search
/// (<see cref="BudgetSearch"/>), the ONNX Runtime check and latency (<see cref="OnnxRuntimeVerifier"/>), the atomic
/// save and the packing of the saved file. A pass that breaks the structure
/// is an internal error caught here rather than shipped.
/// </summary>
internal static class ModelCompressor
{
    public const string IdentityProfile = "none";

    /// <summary>
    /// A request as the CLI makes it: the profile's recipe with the request's overrides, planned and run; with packing
    /// the output path gains ".br" unless it has it.
    /// </summary>
    public static CompressionResult Compress(CompressionRequest request, ProfileCatalog? catalog = null)
    {
        var job = Prepare(request, catalog);
        return Run(job, Packing.ModelPacking.PathFor(request.OutputPath, job.Plan.Recipe.Packing));
    }

    /// <summary>Resolves the request's recipe (profile, then overrides) and prepares the job, without running it.</summary>
    public static CompressionJob Prepare(CompressionRequest request, ProfileCatalog? catalog = null)
    {
        catalog ??= new ProfileCatalog();
        var profile = catalog.Get(request.Profile);
        var recipe = RecipeOptions.Apply(profile.Recipe, request.Overrides);
        return CompressionJob.Prepare(request.ModelPath, profile.Name, recipe, request.CalibrationData, request.ValidationData, request.Budget,
            inputShapes: request.InputShapes) with { OnnxRuntime = request.OnnxRuntime };
    }

    /// <summary>
    /// Compresses with an already resolved recipe (tests and benchmarks pick recipes themselves): checked by ONNX
    /// Runtime, but not timed there unless <paramref name="onnxRuntime"/> asks (<see cref="OnnxRuntimeOptions.CheckOnly"/>).
    /// </summary>
    public static CompressionResult Compress(string modelPath, string outputPath, string profileName, Recipe recipe,
        string? validationData = null, string? calibrationData = null, int? threads = null, AccuracyBudget? budget = null,
        OnnxRuntimeOptions? onnxRuntime = null) =>
        Run(CompressionJob.Prepare(modelPath, profileName, recipe, calibrationData, validationData, budget, threads)
            with { OnnxRuntime = onnxRuntime ?? OnnxRuntimeOptions.CheckOnly }, outputPath);

    /// <summary>Runs <paramref name="job"/> and saves the result (packed, when the recipe packs) to <paramref name="outputPath"/>.</summary>
    public static CompressionResult Run(CompressionJob job, string outputPath)
    {
        var watch = System.Diagnostics.Stopwatch.StartNew();
        var recipe = job.Plan.Recipe;

        CompressionAttempt Attempt(CompressionPlan plan)
        {
            var context = new CompressionContext(job.Model, plan.Recipe) { CalibrationData = job.CalibrationData, Threads = job.Threads };
            context.Warnings.AddRange(plan.Warnings);
            var reports = plan.Run(context);
            var result = OnnxModel.FromProto(context.Model, outputPath);
            // Every recipe but the identity repairs what the checker may accept (Normalization.InitializerInputs); the
            // identity saves the model as loaded, deviations ONNX Runtime accepts included.
            var check = ModelChecker.Check(result.Proto);
            if (plan.Recipe.CompressesNothing ? !check.IsUsable : !check.IsValid)
                throw new InvalidOperationException($"the passes produced an invalid model: {check}");
            var (fidelity, note) = Measure(job.Model, result, job.ValidationData);
            return new CompressionAttempt(plan, context, reports, result, fidelity, note);
        }

        var outcome = BudgetSearch.Fit(job, Attempt);
        var attempt = outcome.Attempt;
        // Before the save: a model ONNX Runtime refuses (MCB2301) leaves nothing at the output and nothing to cache.
        var runtime = OnnxRuntimeVerifier.Verify(job, attempt.Plan, attempt.Result);
        attempt.Result.Save(outputPath);
        // Packing entropy-codes the file as saved: what the passes wrote is what the app decodes, byte for byte.
        var packing = recipe.Packing == PackingMode.None ? null
            : Packing.ModelPacking.Pack(outputPath, job.ModelPath, recipe.Packing, job.Threads);
        var elapsed = watch.Elapsed.TotalMilliseconds;
        var summary = Reporting.ModelInspection.Summarize(attempt.Result, job.CostShapes);
        var reports = outcome.Note is null ? attempt.Reports
            : [.. attempt.Reports, new PassReport("accuracy-budget", outcome.KeptBack.Count, 0, 0, [outcome.Note])];
        if (packing is not null)
            reports = [.. reports, new PassReport(packing.Method, 1, packing.ModelBytes, packing.PackedBytes, [packing.ToString()])];
        return new CompressionResult(job.ModelPath, outputPath, job.Profile, recipe.ToString(), reports,
            new FileInfo(job.ModelPath).Length, new FileInfo(outputPath).Length)
        {
            Plan = job.Plan.Describe(),
            Sha256 = CacheKey.Sha256(outputPath),
            Fidelity = attempt.Fidelity,
            FidelityNote = attempt.FidelityNote,
            Warnings = [.. attempt.Context.Warnings, .. runtime.Warnings],
            Macs = summary.Macs,
            CostShapes = job.CostShapes,
            ActivationBytes = summary.ActivationBytes,
            WeightBytesRead = summary.WeightBytes,
            CompressionMilliseconds = elapsed,
            KeptBack = outcome.KeptBack.Select(l => l.ToString()).ToList(),
            Packing = packing,
            OnnxRuntime = runtime.Report,
        };
    }

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

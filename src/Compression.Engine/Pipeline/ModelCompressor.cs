using Compression.Engine.Profiles;
using Compression.Engine.Recipes;
using Compression.Onnx.Checking;
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
        return Compress(request.ModelPath, request.OutputPath, profile.Name, recipe, request.ValidationData, request.CalibrationData);
    }

    /// <summary>Compresses with an already resolved recipe (the build resolves profiles and options itself).</summary>
    public static CompressionResult Compress(string modelPath, string outputPath, string profileName, Recipe recipe,
        string? validationData = null, string? calibrationData = null, int? threads = null)
    {
        var watch = System.Diagnostics.Stopwatch.StartNew();
        (recipe, var fallback) = RecipeFallbacks.Apply(recipe, calibrationData);
        var passes = PassPlan.For(recipe, modelPath);

        var model = OnnxModel.Load(modelPath);
        // A structurally broken model is refused before any work, so no pass has to guess what it meant.
        ModelChecker.ThrowIfInvalid(model.Proto, modelPath);

        var context = new CompressionContext(model, recipe) { CalibrationData = calibrationData, Threads = threads ?? Environment.ProcessorCount };
        if (fallback is not null) context.Warnings.Add(fallback);
        var reports = passes.Select(p => p.Apply(context)).ToList();
        var result = OnnxModel.FromProto(context.Model, outputPath);
        var check = ModelChecker.Check(result.Proto);
        if (!check.IsValid)
            throw new InvalidOperationException($"the passes produced an invalid model: {check}");
        result.Save(outputPath);
        var elapsed = watch.Elapsed.TotalMilliseconds;

        Reporting.FidelityReport? fidelity = null;
        string? note = null;
        try
        {
            fidelity = Reporting.FidelityMeter.Measure(model, result, validationData);
        }
        catch (Compression.Evaluation.Execution.UnsupportedOperatorException e)
        {
            note = $"fidelity not measured: {e.Message}";
        }
        catch (Compression.Evaluation.Execution.KernelException e)
        {
            note = $"fidelity not measured: {e.Message}";
        }
        var summary = Reporting.ModelInspection.Summarize(result);
        return new CompressionResult(modelPath, outputPath, profileName, context.Recipe.ToString(), reports,
            new FileInfo(modelPath).Length, new FileInfo(outputPath).Length)
        {
            Fidelity = fidelity,
            FidelityNote = note,
            Warnings = context.Warnings.ToList(),
            Macs = summary.Macs,
            WeightBytesRead = summary.WeightBytes,
            CompressionMilliseconds = elapsed,
        };
    }
}

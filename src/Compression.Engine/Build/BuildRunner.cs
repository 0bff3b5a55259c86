using Compression.Engine.Budget;
using Compression.Engine.Caching;
using Compression.Engine.Pipeline;
using Compression.Engine.Profiles;
using Compression.Engine.Recipes;
using Compression.Engine.Runtime;
using Compression.Onnx.Diagnostics;

namespace Compression.Engine.Build;

/// <summary>
/// Answers one build request: for each model, pick the profile (item Profile, then the project's
/// ModelCompressionProfile, then the RID map walked through the SDK's RID graph), apply the item's options, prepare
/// the job (load, check, plan), and either take the result from the content-addressed cache (keyed by the plan) or
/// run it and store it. A failing model becomes a diagnostic
/// with its code and file; the others still build.
/// </summary>
internal static class BuildRunner
{
    public static BuildResponse Run(BuildRequest request, CancellationToken cancellation = default) => Run(request, true, cancellation);

    /// <param name="onnxRuntimeLatency">Whether ORT's latency is measured (the check runs either way); tests that do not test it turn it off.</param>
    public static BuildResponse Run(BuildRequest request, bool onnxRuntimeLatency, CancellationToken cancellation = default)
    {
        var outputs = new List<ModelOutput>();
        var diagnostics = new List<BuildDiagnostic>();
        ProfileCatalog catalog;
        try
        {
            catalog = Catalog(request, diagnostics);
        }
        catch (CompressionException e)
        {
            diagnostics.Add(new BuildDiagnostic("error", e.Code, e.FilePath ?? request.ProjectFile, e.Message));
            return new BuildResponse(outputs, diagnostics);
        }
        var graph = RidGraph.Load(request.RuntimeIdentifierGraphPath);
        var cache = request.CacheDirectory.Length > 0 ? new ContentCache(request.CacheDirectory, request.MaxCacheBytes) : null;
        var names = new OutputNames();
        var runtime = OnnxRuntime(request) with { MeasureLatency = request.OnnxRuntime.Check && onnxRuntimeLatency };
        Directory.CreateDirectory(request.OutputDirectory);

        foreach (var item in request.Models)
        {
            cancellation.ThrowIfCancellationRequested();
            try
            {
                outputs.Add(Build(request, item, catalog, graph, cache, names, runtime, diagnostics));
            }
            catch (CompressionException e)
            {
                diagnostics.Add(new BuildDiagnostic("error", e.Code, e.FilePath ?? item.FullPath, e.Message));
            }
        }
        return new BuildResponse(outputs, diagnostics);
    }

    private static ModelOutput Build(BuildRequest request, ModelItem item, ProfileCatalog catalog, RidGraph graph, ContentCache? cache,
        OutputNames names, OnnxRuntimeOptions runtime, List<BuildDiagnostic> diagnostics)
    {
        DeviceProfile profile;
        Recipe recipe;
        try
        {
            profile = item.Profile.Length > 0 ? catalog.Get(item.Profile, request.ProjectFile)
                : request.Profile.Length > 0 ? catalog.Get(request.Profile, request.ProjectFile)
                : catalog.ForRuntimeIdentifier(request.RuntimeIdentifier,
                    request.RuntimeIdentifier.Length > 0 ? graph.FallbacksOf(request.RuntimeIdentifier) : []);
            var (options, unknown) = UnknownOptions.Split(item.Options);
            foreach (var name in unknown)
                diagnostics.Add(new BuildDiagnostic("warning", EngineErrorCodes.UnknownOption, request.ProjectFile, UnknownOptions.Message("ModelCompression", item.ItemSpec, name)));
            recipe = RecipeOptions.Apply(profile.Recipe, options, request.ProjectFile);
        }
        catch (CompressionException e)
        {
            // The value was written in the project, on this item: point there, and say which item.
            throw new CompressionException(e.Code, $"ModelCompression item '{item.ItemSpec}': {e.Message}", request.ProjectFile, e);
        }
        if (!File.Exists(item.FullPath))
            throw new CompressionException(ErrorCodes.ModelNotFound,
                $"the model '{item.ItemSpec}' of a ModelCompression item does not exist.", item.FullPath);

        AccuracyBudget budget;
        IReadOnlyDictionary<string, int[]> inputShapes;
        try
        {
            budget = AccuracyBudget.Parse(item.MaxAccuracyLoss, item.MinFidelityDb);
            inputShapes = Reporting.InputShapeText.ParseMetadata(item.InputShapes);
        }
        catch (CompressionException e)
        {
            throw new CompressionException(e.Code, $"ModelCompression item '{item.ItemSpec}': {e.Message}", request.ProjectFile, e);
        }
        var job = CompressionJob.Prepare(item.FullPath, profile.Name, recipe, item.CalibrationData, item.ValidationData, budget,
            inputShapes: inputShapes) with { OnnxRuntime = runtime };
        var output = Path.Combine(request.OutputDirectory, names.For(item.FullPath));
        var key = CacheKey.Compute(item.FullPath, job.Plan, [("calibration", item.CalibrationData), ("validation", item.ValidationData)],
            // The result carries cost figures computed with the input shapes, so other shapes are another entry.
            inputShapes.Count == 0 ? budget.ToString() : $"{budget}; input shapes {Reporting.InputShapeText.Canonical(inputShapes)}");
        // The key covers what determines the bytes (the plan), not the profile's name: two profiles with one recipe
        // share an entry, and the answer names the profile this build chose.
        // A hit made by another ONNX Runtime (or unchecked) is checked by this one before it is copied out: an MCB2301
        // there fails the model as a fresh compression would, leaving no output.
        var hit = cache?.TryGet(key, output, (entry, file) => OnnxRuntimeVerifier.Recheck(job, entry, () => CachedModel(entry, file, item.FullPath)));
        var result = hit is null ? ModelCompressor.Run(job, output) : hit with { Profile = profile.Name, Output = output };
        if (hit is null) cache?.Put(key, output, result);
        // Warnings replay from the cache too: a hit says what the compression it stands for said.
        foreach (var warning in result.Warnings)
            diagnostics.Add(new BuildDiagnostic("warning", warning.Code, item.FullPath, warning.Message));
        if (result.FidelityNote is { } note)
            diagnostics.Add(new BuildDiagnostic("warning", EngineErrorCodes.FidelityNotMeasured, item.FullPath, note));
        return new ModelOutput(item.ItemSpec, output, hit is not null, result);
    }

    /// <summary>
    /// The check as the request asks: off (ModelCompressionOnnxRuntimeCheck=false), or with the ONNX Runtime the
    /// project's restore output names, else the pinned version, for the build host.
    /// </summary>
    private static OnnxRuntimeOptions OnnxRuntime(BuildRequest request)
    {
        var ort = request.OnnxRuntime;
        return ort.Check
            ? new OnnxRuntimeOptions(Choice: OnnxRuntimeResolver.ForProject(ort.ProjectAssetsFile, ort.TargetFramework,
                request.RuntimeIdentifier, ort.PinnedVersion, HostPlatform.RuntimeIdentifier))
            : OnnxRuntimeOptions.Off("ModelCompressionOnnxRuntimeCheck=false");
    }

    /// <summary>A cached model as the app reads it: decoded when the entry is packed.</summary>
    private static Onnx.Model.OnnxModel CachedModel(CompressionResult entry, string file, string modelPath)
    {
        var bytes = File.ReadAllBytes(file);
        if (entry.Packing is not null) bytes = Packing.BrotliPacking.Unpack(bytes);
        return Onnx.Model.OnnxModel.Load(bytes, Path.GetDirectoryName(modelPath), modelPath);
    }

    /// <summary>The built-in profiles with the project's own on top; a project profile is its base's recipe plus its options.</summary>
    private static ProfileCatalog Catalog(BuildRequest request, List<BuildDiagnostic> diagnostics)
    {
        var builtIn = new ProfileCatalog();
        var custom = request.Profiles.Select(p =>
        {
            var basis = p.BasedOn.Length > 0 ? builtIn.Get(p.BasedOn, request.ProjectFile).Recipe : Recipe.Identity;
            var (options, unknown) = UnknownOptions.Split(p.Options);
            foreach (var name in unknown)
                diagnostics.Add(new BuildDiagnostic("warning", EngineErrorCodes.UnknownOption, request.ProjectFile, UnknownOptions.Message("ModelCompressionProfile", p.Name, name)));
            return new DeviceProfile(p.Name, $"defined in {Path.GetFileName(request.ProjectFile)}",
                RecipeOptions.Apply(basis, options, request.ProjectFile), p.RuntimeIdentifiers);
        }).ToList();
        return new ProfileCatalog(custom);
    }
}

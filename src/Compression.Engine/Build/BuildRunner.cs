using Compression.Engine.Caching;
using Compression.Engine.Pipeline;
using Compression.Engine.Profiles;
using Compression.Engine.Recipes;
using Compression.Onnx.Diagnostics;

namespace Compression.Engine.Build;

/// <summary>
/// Answers one build request: for each model, pick the profile (item Profile, then the project's
/// ModelCompressionProfile, then the RID map walked through the SDK's RID graph), apply the item's options, and either
/// take the result from the content-addressed cache or compress and store it. A failing model becomes a diagnostic
/// with its code and file; the others still build.
/// </summary>
public static class BuildRunner
{
    public static BuildResponse Run(BuildRequest request, CancellationToken cancellation = default)
    {
        var outputs = new List<ModelOutput>();
        var diagnostics = new List<BuildDiagnostic>();
        ProfileCatalog catalog;
        try
        {
            catalog = Catalog(request);
        }
        catch (CompressionException e)
        {
            diagnostics.Add(new BuildDiagnostic("error", e.Code, e.FilePath ?? request.ProjectFile, e.Message));
            return new BuildResponse(outputs, diagnostics);
        }
        var graph = RidGraph.Load(request.RuntimeIdentifierGraphPath);
        var cache = request.CacheDirectory.Length > 0 ? new ContentCache(request.CacheDirectory, request.MaxCacheBytes) : null;
        var names = new OutputNames();
        Directory.CreateDirectory(request.OutputDirectory);

        foreach (var item in request.Models)
        {
            cancellation.ThrowIfCancellationRequested();
            try
            {
                outputs.Add(Build(request, item, catalog, graph, cache, names));
            }
            catch (CompressionException e)
            {
                diagnostics.Add(new BuildDiagnostic("error", e.Code, e.FilePath ?? item.FullPath, e.Message));
            }
        }
        return new BuildResponse(outputs, diagnostics);
    }

    private static ModelOutput Build(BuildRequest request, ModelItem item, ProfileCatalog catalog, RidGraph graph, ContentCache? cache, OutputNames names)
    {
        DeviceProfile profile;
        Recipe recipe;
        try
        {
            profile = item.Profile.Length > 0 ? catalog.Get(item.Profile, request.ProjectFile)
                : request.Profile.Length > 0 ? catalog.Get(request.Profile, request.ProjectFile)
                : catalog.ForRuntimeIdentifier(request.RuntimeIdentifier,
                    request.RuntimeIdentifier.Length > 0 ? graph.FallbacksOf(request.RuntimeIdentifier) : []);
            recipe = RecipeOptions.Apply(profile.Recipe, item.Options, request.ProjectFile);
        }
        catch (CompressionException e)
        {
            // The value was written in the project, on this item: point there, and say which item.
            throw new CompressionException(e.Code, $"ModelCompression item '{item.ItemSpec}': {e.Message}", request.ProjectFile, e);
        }
        if (!File.Exists(item.FullPath))
            throw new CompressionException(ErrorCodes.ModelNotFound,
                $"the model '{item.ItemSpec}' of a ModelCompression item does not exist.", item.FullPath);

        var output = Path.Combine(request.OutputDirectory, names.For(item.FullPath));
        var key = CacheKey.Compute(item.FullPath, recipe, [item.CalibrationData, item.ValidationData]);
        // The key covers what determines the bytes (the recipe), not the profile's name: two profiles with one recipe
        // share an entry, and the answer names the profile this build chose.
        if (cache?.TryGet(key, output) is { } hit)
            return new ModelOutput(item.ItemSpec, output, profile.Name, recipe.ToString(), hit.OriginalBytes, hit.CompressedBytes, hit.Sha256, CacheHit: true);

        var result = ModelCompressor.Compress(item.FullPath, output, profile.Name, recipe);
        var entry = new CacheEntry(profile.Name, result.Recipe, result.OriginalBytes, result.CompressedBytes, CacheKey.Sha256(output));
        cache?.Put(key, output, entry);
        return new ModelOutput(item.ItemSpec, output, entry.Profile, entry.Recipe, entry.OriginalBytes, entry.CompressedBytes, entry.Sha256, CacheHit: false);
    }

    /// <summary>The built-in profiles with the project's own on top; a project profile is its base's recipe plus its options.</summary>
    private static ProfileCatalog Catalog(BuildRequest request)
    {
        var builtIn = new ProfileCatalog();
        var custom = request.Profiles.Select(p =>
        {
            var basis = p.BasedOn.Length > 0 ? builtIn.Get(p.BasedOn, request.ProjectFile).Recipe : Recipe.Identity;
            return new DeviceProfile(p.Name, $"defined in {Path.GetFileName(request.ProjectFile)}",
                RecipeOptions.Apply(basis, p.Options, request.ProjectFile), p.RuntimeIdentifiers);
        });
        return new ProfileCatalog(custom);
    }
}

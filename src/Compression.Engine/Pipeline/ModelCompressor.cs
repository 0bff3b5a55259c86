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
        var passes = PassPlan.For(recipe);

        var model = OnnxModel.Load(request.ModelPath);
        // A structurally broken model is refused before any work, so no pass has to guess what it meant.
        ModelChecker.ThrowIfInvalid(model.Proto, request.ModelPath);

        var context = new CompressionContext(model, recipe);
        var reports = passes.Select(p => p.Apply(context)).ToList();
        var result = OnnxModel.FromProto(context.Model, request.OutputPath);
        var check = ModelChecker.Check(result.Proto);
        if (!check.IsValid)
            throw new InvalidOperationException($"the passes produced an invalid model: {check}");
        result.Save(request.OutputPath);

        return new CompressionResult(request.ModelPath, request.OutputPath, profile.Name, recipe.ToString(), reports,
            new FileInfo(request.ModelPath).Length, new FileInfo(request.OutputPath).Length);
    }
}

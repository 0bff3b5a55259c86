using Compression.Build.Tasks;
using Microsoft.Build.Utilities;
using EngineRecipeOptions = Compression.Engine.Recipes.RecipeOptions;

namespace Compression.Build.Tests.Tasks;

/// <summary>
/// The task (netstandard2.0, no engine reference) keeps its own list of recipe option names; these tests are what
/// makes it one source with the engine's table: an option added to the engine fails here until the task forwards it.
/// </summary>
public sealed class ModelMetadataNamesTests
{
    [Fact]
    public void The_tasks_recipe_options_are_the_engines_names_in_the_engines_order()
    {
        Assert.Equal(EngineRecipeOptions.All.Select(o => o.Name), ModelMetadataNames.RecipeOptions);
    }

    [Fact]
    public void Every_recipe_option_on_a_model_or_profile_item_goes_into_the_request()
    {
        var model = new TaskItem("/app/m.onnx");
        var profile = new TaskItem("kiosk");
        foreach (var name in ModelMetadataNames.RecipeOptions)
        {
            model.SetMetadata(name, name + "-value");
            profile.SetMetadata(name, name + "-value");
        }
        var modelOptions = RequestBuilder.Model(model, "/app").Options;
        var profileOptions = RequestBuilder.Profile(profile).Options;
        Assert.Equal(EngineRecipeOptions.All.Select(o => o.Name), modelOptions.Select(o => o.Key));
        Assert.Equal(EngineRecipeOptions.All.Select(o => o.Name), profileOptions.Select(o => o.Key));
        Assert.All(modelOptions.Concat(profileOptions), o => Assert.Equal(o.Key + "-value", o.Value));
    }

    [Fact]
    public void Every_recipe_option_is_known_metadata_on_both_item_types()
    {
        Assert.All(EngineRecipeOptions.All, o => Assert.Contains(o.Name, KnownMetadata.ModelItem));
        Assert.All(EngineRecipeOptions.All, o => Assert.Contains(o.Name, KnownMetadata.ProfileItem));
    }
}

/// <summary>The README's metadata table is what users type; each name in it must be one the build reads.</summary>
public sealed partial class ReadmeMetadataTableTests
{
    [Fact]
    public void Every_metadata_the_readme_lists_is_known_and_every_recipe_option_is_listed()
    {
        var readme = File.ReadAllText(Path.Combine(Compression.Testing.TestAssets.RepoRoot, "README.md"));
        var table = readme[readme.IndexOf("| metadata | values |", StringComparison.Ordinal)..];
        table = table[..table.IndexOf("\n\n", StringComparison.Ordinal)];
        var listed = table.Split('\n').Skip(2)
            .SelectMany(row => Name().Matches(row.Split('|')[1]).Select(m => m.Groups[1].Value)).ToList();
        Assert.True(listed.Count >= 20, string.Join(", ", listed));
        Assert.All(listed, name => Assert.Contains(name, KnownMetadata.ModelItem));
        Assert.All(ModelMetadataNames.RecipeOptions, name => Assert.Contains(name, listed));
    }

    [System.Text.RegularExpressions.GeneratedRegex("`(\\w+)`")]
    private static partial System.Text.RegularExpressions.Regex Name();
}

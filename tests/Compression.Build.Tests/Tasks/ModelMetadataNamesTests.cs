using Compression.Build.Tasks;
using Microsoft.Build.Utilities;
using EngineRecipeOptions = Compression.Engine.Recipes.RecipeOptions;

namespace Compression.Build.Tests.Tasks;

/// <summary>
/// The task (netstandard2.0, no engine reference) keeps no list of recipe options: it sends the engine every metadata
/// it does not read itself, and the engine's table decides. These tests pin that split: no recipe option is a name the
/// build swallows, and every other metadata reaches the request, a technique's own option as much as a built-in one.
/// </summary>
public sealed class ModelMetadataNamesTests
{
    [Fact]
    public void No_recipe_option_is_a_name_the_build_reads_itself()
    {
        var read = KnownMetadata.ModelItem.Concat(KnownMetadata.ProfileItem).ToHashSet(StringComparer.OrdinalIgnoreCase);
        Assert.All(EngineRecipeOptions.All, o => Assert.DoesNotContain(o.Name, read));
    }

    [Fact]
    public void Every_metadata_the_build_does_not_read_goes_into_the_request_and_none_it_reads()
    {
        var model = new TaskItem("/app/m.onnx");
        var profile = new TaskItem("kiosk");
        var names = EngineRecipeOptions.All.Select(o => o.Name).Append("ModelNote").ToList();
        foreach (var name in names)
        {
            model.SetMetadata(name, name + "-value");
            profile.SetMetadata(name, name + "-value");
        }
        model.SetMetadata("CalibrationData", "cal/");
        model.SetMetadata("Embed", "false");
        profile.SetMetadata("BasedOn", "portable");
        var modelOptions = RequestBuilder.Model(model, "/app").Options;
        var profileOptions = RequestBuilder.Profile(profile).Options;
        var expected = names.Order(StringComparer.Ordinal).ToList();
        Assert.Equal(expected, modelOptions.Select(o => o.Key));
        Assert.Equal(expected, profileOptions.Select(o => o.Key));
        Assert.All(modelOptions.Concat(profileOptions), o => Assert.Equal(o.Key + "-value", o.Value));
    }
}

/// <summary>The README's metadata table is what users type; each name in it must be one the build or the engine reads.</summary>
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
        var options = EngineRecipeOptions.All.Select(o => o.Name).ToList();
        Assert.All(listed, name => Assert.True(KnownMetadata.ModelItem.Contains(name) || options.Contains(name), name));
        Assert.All(options, name => Assert.Contains(name, listed));
    }

    [System.Text.RegularExpressions.GeneratedRegex("`(\\w+)`")]
    private static partial System.Text.RegularExpressions.Regex Name();
}

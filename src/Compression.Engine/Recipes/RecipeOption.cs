namespace Compression.Engine.Recipes;

/// <summary>
/// One recipe option as users write it: the MSBuild metadata name (<c>CalibrationMethod</c>), the CLI flag
/// (<c>--calibration-method</c>), the words it accepts, and how it sets the recipe. The one table both front ends share.
/// </summary>
internal sealed record RecipeOption(string Name, string Flag, string Accepted, Func<Recipe, string, Recipe> Apply, Func<Recipe, string> Format)
{
    /// <summary>
    /// An option a registered technique adds (Pipeline/PassRegistry): kept in <see cref="Recipe.Extensions"/> under
    /// <paramref name="name"/>. <paramref name="parse"/> turns what the user wrote into the canonical word (or throws a
    /// CompressionException, MCB2002); the default word is left out of the recipe, so a recipe that does not use the
    /// technique hashes as it did before the technique existed.
    /// </summary>
    public static RecipeOption Extension(string name, string flag, string accepted, string defaultWord, Func<string, string> parse) =>
        new(name, flag, accepted,
            (r, v) => parse(v) is var word && word == defaultWord
                ? r with { Extensions = r.Extensions.Remove(name) }
                : r with { Extensions = r.Extensions.SetItem(name, word) },
            r => r.Extensions.GetValueOrDefault(name, defaultWord));
}

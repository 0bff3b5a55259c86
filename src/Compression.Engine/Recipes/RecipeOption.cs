namespace Compression.Engine.Recipes;

/// <summary>
/// One recipe option as users write it: the MSBuild metadata name (<c>CalibrationMethod</c>), the CLI flag
/// (<c>--calibration-method</c>), the words it accepts, and how it sets the recipe. The one table both front ends share.
/// </summary>
public sealed record RecipeOption(string Name, string Flag, string Accepted, Func<Recipe, string, Recipe> Apply, Func<Recipe, string> Format);

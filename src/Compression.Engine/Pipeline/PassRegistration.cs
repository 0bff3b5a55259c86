using Compression.Engine.Recipes;

namespace Compression.Engine.Pipeline;

/// <summary>
/// One technique in the pipeline (<see cref="PassRegistry"/>): its name in plans and reports, when a recipe selects
/// it, the pass that carries it out, and any recipe options of its own. A technique whose options are not built into
/// <see cref="Recipe"/> keeps them in <see cref="Recipe.Extensions"/> under the option's name.
/// </summary>
internal sealed record PassRegistration(string Name, Func<Recipe, bool> Selects, Func<ICompressionPass> Create)
{
    public IReadOnlyList<RecipeOption> Options { get; init; } = [];

    /// <summary>What the technique will do under a recipe, for the plan's line; the name alone when not given.</summary>
    public Func<Recipe, string>? Describe { get; init; }
}

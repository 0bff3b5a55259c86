using System.Text;
using System.Text.Json;

namespace Compression.Engine.Recipes;

/// <summary>
/// A recipe as text: canonical JSON (every option, fixed order, the same words as the metadata; the cache key hashes
/// it) and a short summary for people (only what is not "none").
/// </summary>
internal static class RecipeText
{
    public static string Format(Recipe recipe)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            foreach (var option in RecipeOptions.All)
                writer.WriteString(JsonNamingPolicy.CamelCase.ConvertName(option.Name), option.Format(recipe));
            writer.WriteEndObject();
        }
        return Encoding.UTF8.GetString(buffer.ToArray());
    }

    public static string Summary(Recipe recipe)
    {
        var parts = new List<string>();
        if (recipe.Quantization != QuantizationMode.None) parts.Add(RecipeOptions.Format(recipe.Quantization));
        if (recipe.Pruning is not null) parts.Add($"prune {RecipeOptions.Format(recipe.Pruning)}");
        if (recipe.LowRank is not null) parts.Add($"low-rank {RecipeOptions.Format(recipe.LowRank)}");
        if (recipe.WeightSharing is { } k) parts.Add($"share {k}");
        // Auto is resolved by the planner (to layerwise or none), so a plan's recipe never shows it; before that it is a
        // profile's default, not something the recipe does yet.
        if (recipe.Distillation == DistillationMode.Layerwise) parts.Add($"distill {RecipeOptions.Word(recipe.Distillation)}");
        if (recipe.Packing != PackingMode.None) parts.Add(RecipeOptions.Word(recipe.Packing));
        foreach (var (name, word) in recipe.Extensions) parts.Add($"{name} {word}");
        if (recipe.KeepInitializerInputs) parts.Add("initializer inputs kept");
        return parts.Count == 0 ? "identity" : string.Join(" + ", parts);
    }
}

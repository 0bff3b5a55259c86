using System;
using System.Collections;
using System.Collections.Generic;
using System.Linq;
using Microsoft.Build.Framework;

namespace Compression.Build.Tasks;

/// <summary>
/// The metadata names the build reads on each item type. Anything else an item carries is a name nobody reads — most
/// often a typo (<c>Quantisation="int8"</c>) that would otherwise leave the model compressed with the profile's
/// defaults and no sign of why; the resolve task warns about each one (MCB3011).
/// </summary>
internal static class KnownMetadata
{
    /// <summary>What a ModelCompression item may carry: recipe options, what the engine and the build read, what the targets set.</summary>
    public static readonly IReadOnlyList<string> ModelItem = ModelMetadataNames.RecipeOptions
        .Concat(new[]
        {
            ModelMetadataNames.Profile, ModelMetadataNames.CalibrationData, ModelMetadataNames.ValidationData,
            ModelMetadataNames.MaxAccuracyLoss, ModelMetadataNames.MinFidelityDb,
            ModelMetadataNames.LogicalName, ModelMetadataNames.AccessorName, ModelMetadataNames.Embed,
        })
        .Concat(ModelMetadataNames.DataSetOptions)
        .Concat(new[]
        {
            // Set by the targets on resolved items; known so that a project feeding those back is not warned.
            ModelMetadataNames.OutputPath, ModelMetadataNames.OutputDirectory, ModelMetadataNames.ReportDirectory,
            ModelMetadataNames.RequestFile, ModelMetadataNames.ResponseFile, ModelMetadataNames.OriginalItemSpec,
            ModelMetadataNames.Delivery, ModelMetadataNames.RelativePath, ModelMetadataNames.Settings, ModelMetadataNames.SettingsFile,
            ModelMetadataNames.Link, ModelMetadataNames.Visible,
        })
        .ToArray();

    /// <summary>What a ModelCompressionProfile item may carry: recipe options and where the profile sits.</summary>
    public static readonly IReadOnlyList<string> ProfileItem = ModelMetadataNames.RecipeOptions
        .Concat(new[] { ModelMetadataNames.RuntimeIdentifiers, ModelMetadataNames.BasedOn })
        .ToArray();

    /// <summary>
    /// The item's custom metadata with a value that <paramref name="known"/> does not name, sorted. MSBuild metadata
    /// names are case-insensitive (<c>quantization</c> reads as <c>Quantization</c>), so the comparison is too; an
    /// empty value is skipped, as an empty recipe option is not sent (it changes nothing).
    /// </summary>
    public static IReadOnlyList<string> Unknown(ITaskItem item, IReadOnlyList<string> known)
    {
        var names = new HashSet<string>(known, StringComparer.OrdinalIgnoreCase);
        var unknown = new List<string>();
        foreach (DictionaryEntry entry in item.CloneCustomMetadata())
        {
            var name = (string)entry.Key;
            if (!names.Contains(name) && ((entry.Value as string) ?? "").Trim().Length > 0) unknown.Add(name);
        }
        unknown.Sort(StringComparer.Ordinal);
        return unknown;
    }

    /// <summary>The known name at most two edits from <paramref name="name"/> (the first of the nearest), else null.</summary>
    public static string? Closest(string name, IReadOnlyList<string> known)
    {
        string? best = null;
        var bestDistance = 3;
        foreach (var candidate in known)
        {
            var distance = EditDistance(name.ToUpperInvariant(), candidate.ToUpperInvariant());
            if (distance < bestDistance) (best, bestDistance) = (candidate, distance);
        }
        return best;
    }

    /// <summary>Levenshtein distance: insertions, deletions and substitutions, one row at a time.</summary>
    private static int EditDistance(string a, string b)
    {
        var previous = new int[b.Length + 1];
        var current = new int[b.Length + 1];
        for (var j = 0; j <= b.Length; j++) previous[j] = j;
        for (var i = 1; i <= a.Length; i++)
        {
            current[0] = i;
            for (var j = 1; j <= b.Length; j++)
            {
                var substitution = previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1);
                current[j] = Math.Min(substitution, Math.Min(previous[j], current[j - 1]) + 1);
            }
            (previous, current) = (current, previous);
        }
        return previous[b.Length];
    }
}

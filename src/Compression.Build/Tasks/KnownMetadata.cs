using System;
using System.Collections;
using System.Collections.Generic;
using System.Linq;
using Microsoft.Build.Framework;

namespace Compression.Build.Tasks;

/// <summary>
/// The metadata names the build reads itself on each item type. Everything else an item carries goes to the engine
/// as a recipe option (RequestBuilder); the engine applies the names its option table knows and warns (MCB2003)
/// about the rest, which is most often a typo (<c>Quantisation="int8"</c>). So the engine's table is the one list of
/// options, and a technique that brings its own option needs no line here.
/// </summary>
internal static class KnownMetadata
{
    /// <summary>What a ModelCompression item carries for the build: what the engine and the targets read as fields, what the targets set.</summary>
    public static readonly IReadOnlyList<string> ModelItem = new[]
        {
            ModelMetadataNames.Profile, ModelMetadataNames.CalibrationData, ModelMetadataNames.ValidationData,
            ModelMetadataNames.MaxAccuracyLoss, ModelMetadataNames.MinFidelityDb, ModelMetadataNames.InputShapes,
            ModelMetadataNames.LogicalName, ModelMetadataNames.AccessorName, ModelMetadataNames.Embed,
        }
        .Concat(ModelMetadataNames.DataSetOptions)
        .Concat(new[]
        {
            // Set by the targets on resolved items, or read by Visual Studio on any item: never recipe options.
            ModelMetadataNames.OutputPath, ModelMetadataNames.OutputDirectory, ModelMetadataNames.ReportDirectory,
            ModelMetadataNames.RequestFile, ModelMetadataNames.ResponseFile, ModelMetadataNames.OriginalItemSpec,
            ModelMetadataNames.Delivery, ModelMetadataNames.RelativePath, ModelMetadataNames.Settings, ModelMetadataNames.SettingsFile,
            ModelMetadataNames.Link, ModelMetadataNames.Visible,
        })
        .ToArray();

    /// <summary>What a ModelCompressionProfile item carries for the build: where the profile sits.</summary>
    public static readonly IReadOnlyList<string> ProfileItem = new[] { ModelMetadataNames.RuntimeIdentifiers, ModelMetadataNames.BasedOn };

    /// <summary>
    /// The item's custom metadata with a value that <paramref name="known"/> does not name, by ordinal name. MSBuild
    /// metadata names are case-insensitive, so the comparison is too; an empty value is left out (it changes nothing).
    /// </summary>
    public static IReadOnlyList<KeyValuePair<string, string>> Others(ITaskItem item, IReadOnlyList<string> known)
    {
        var names = new HashSet<string>(known, StringComparer.OrdinalIgnoreCase);
        var others = new List<KeyValuePair<string, string>>();
        foreach (DictionaryEntry entry in item.CloneCustomMetadata())
        {
            var name = (string)entry.Key;
            var value = ((entry.Value as string) ?? "").Trim();
            if (!names.Contains(name) && value.Length > 0) others.Add(new KeyValuePair<string, string>(name, value));
        }
        others.Sort((a, b) => string.CompareOrdinal(a.Key, b.Key));
        return others;
    }
}

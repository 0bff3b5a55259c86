namespace Compression.Engine.Recipes;

/// <summary>
/// Item metadata that names no recipe option. The MSBuild task sends the engine every metadata it does not read itself
/// (docs/msbuild.md), so the engine's table is the one list of options, techniques' own included; a name it does not
/// know — most often a typo, <c>Quantisation</c> — is warning MCB2003 with the nearest option name, never silence.
/// </summary>
internal static class UnknownOptions
{
    /// <summary>The values whose names the option table knows, and the names it does not, both in the given order.</summary>
    public static (IReadOnlyList<KeyValuePair<string, string>> Known, IReadOnlyList<string> Unknown) Split(IEnumerable<KeyValuePair<string, string>> values)
    {
        var known = new List<KeyValuePair<string, string>>();
        var unknown = new List<string>();
        foreach (var value in values)
        {
            if (RecipeOptions.Find(value.Key) is null) unknown.Add(value.Key);
            else known.Add(value);
        }
        return (known, unknown);
    }

    /// <summary>The warning for <paramref name="name"/> on an item, with the option two edits away or less when there is one.</summary>
    public static string Message(string itemType, string itemSpec, string name)
    {
        var hint = Closest(name) is { } near ? $" (did you mean '{near}'?)" : "";
        return $"{itemType} item '{itemSpec}' has metadata '{name}', which is not a recipe option and which Compression.Build does not read{hint}; it is ignored. The README lists the metadata.";
    }

    /// <summary>The option name at most two edits from <paramref name="name"/> (the first of the nearest), else null.</summary>
    public static string? Closest(string name)
    {
        string? best = null;
        var bestDistance = 3;
        foreach (var option in RecipeOptions.All)
        {
            var distance = EditDistance(name.ToUpperInvariant(), option.Name.ToUpperInvariant());
            if (distance < bestDistance) (best, bestDistance) = (option.Name, distance);
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

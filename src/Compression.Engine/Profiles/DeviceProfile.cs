using Compression.Engine.Recipes;

namespace Compression.Engine.Profiles;

/// <summary>
/// A named recipe for a kind of device, and the runtime identifiers that select it (exact RIDs, or a prefix ending in
/// <c>*</c> such as <c>android-*</c>). A profile with no RIDs is used only when named.
/// </summary>
internal sealed record DeviceProfile(string Name, string Description, Recipe Recipe, IReadOnlyList<string> RuntimeIdentifiers)
{
    public bool Selects(string rid) => RuntimeIdentifiers.Any(pattern =>
        pattern.EndsWith('*')
            ? rid.StartsWith(pattern[..^1], StringComparison.OrdinalIgnoreCase)
            : string.Equals(rid, pattern, StringComparison.OrdinalIgnoreCase));
}

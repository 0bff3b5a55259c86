using Compression.Onnx.Diagnostics;

namespace Compression.Engine.Profiles;

/// <summary>
/// The profiles a build can use (built-in ones, overridden or extended by the project's ModelCompressionProfile items)
/// and the rule that picks one for a runtime identifier: the RID itself, then each RID it falls back to in the SDK's RID
/// graph (nearest first), then <see cref="BuiltInProfiles.Portable"/>. The project's own profiles are asked first.
/// </summary>
internal sealed class ProfileCatalog
{
    private readonly List<DeviceProfile> _profiles;
    private readonly List<DeviceProfile> _selectionOrder;

    public ProfileCatalog(IEnumerable<DeviceProfile>? custom = null)
    {
        _profiles = [.. BuiltInProfiles.All];
        foreach (var profile in custom ?? [])
        {
            var index = _profiles.FindIndex(p => string.Equals(p.Name, profile.Name, StringComparison.OrdinalIgnoreCase));
            if (index >= 0) _profiles[index] = profile;
            else _profiles.Add(profile);
        }
        // A project's own profiles claim their RIDs before the built-in ones do: the project said so explicitly.
        var customNames = (custom ?? []).Select(p => p.Name).ToHashSet(StringComparer.OrdinalIgnoreCase);
        _selectionOrder = [.. _profiles.Where(p => customNames.Contains(p.Name)), .. _profiles.Where(p => !customNames.Contains(p.Name))];
    }

    public IReadOnlyList<DeviceProfile> Profiles => _profiles;

    public DeviceProfile Get(string name, string? file = null) =>
        _profiles.FirstOrDefault(p => string.Equals(p.Name, name, StringComparison.OrdinalIgnoreCase))
        ?? throw new CompressionException(EngineErrorCodes.UnknownProfile,
            $"unknown profile '{name}'; known profiles: {string.Join(", ", _profiles.Select(p => p.Name))}.", file);

    /// <param name="ridFallbacks">The RIDs <paramref name="rid"/> falls back to, nearest first (from the SDK's RID graph).</param>
    public DeviceProfile ForRuntimeIdentifier(string? rid, IEnumerable<string>? ridFallbacks = null)
    {
        if (string.IsNullOrEmpty(rid)) return Get(BuiltInProfiles.Portable);
        foreach (var candidate in new[] { rid }.Concat(ridFallbacks ?? []))
            if (_selectionOrder.FirstOrDefault(p => p.Selects(candidate)) is { } profile) return profile;
        return Get(BuiltInProfiles.Portable);
    }
}

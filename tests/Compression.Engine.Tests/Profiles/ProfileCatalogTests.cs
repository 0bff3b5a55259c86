using Compression.Engine.Profiles;
using Compression.Engine.Recipes;
using Compression.Onnx.Diagnostics;

namespace Compression.Engine.Tests.Profiles;

public class ProfileCatalogTests
{
    private readonly ProfileCatalog _catalog = new();

    [Theory]
    [InlineData(null, "portable")]
    [InlineData("", "portable")]
    [InlineData("linux-x64", "desktop-x64")]
    [InlineData("WIN-X64", "desktop-x64")]
    [InlineData("osx-arm64", "desktop-arm64")]
    [InlineData("android-arm64", "mobile")]
    [InlineData("ios-arm64", "mobile")]
    [InlineData("linux-bionic-arm64", "edge")]
    [InlineData("linux-arm", "edge")]
    [InlineData("freebsd-x64", "portable")]
    public void Runtime_identifiers_select_their_profile(string? rid, string profile)
    {
        Assert.Equal(profile, _catalog.ForRuntimeIdentifier(rid).Name);
    }

    [Fact]
    public void An_unknown_rid_falls_back_through_the_rid_graph_nearest_first()
    {
        Assert.Equal("desktop-x64", _catalog.ForRuntimeIdentifier("ubuntu.22.04-x64", ["ubuntu-x64", "linux-x64", "unix-x64", "any"]).Name);
        Assert.Equal("edge", _catalog.ForRuntimeIdentifier("tizen-armel", ["linux-arm", "linux-x64"]).Name);
    }

    [Fact]
    public void Gpu_and_none_are_used_only_when_named()
    {
        Assert.DoesNotContain(_catalog.Profiles, p => p.Name is "gpu" or "none" && p.RuntimeIdentifiers.Count > 0);
        Assert.Equal(QuantizationMode.Fp16, _catalog.Get("GPU").Recipe.Quantization);
        Assert.True(_catalog.Get("none").Recipe.IsIdentity);
    }

    [Fact]
    public void An_unknown_profile_lists_the_known_ones()
    {
        var e = Assert.Throws<CompressionException>(() => _catalog.Get("tiny", "app.csproj"));
        Assert.Equal(EngineErrorCodes.UnknownProfile, e.Code);
        foreach (var p in _catalog.Profiles) Assert.Contains(p.Name, e.Message);
    }

    [Fact]
    public void Project_profiles_override_built_in_ones_and_add_new_ones()
    {
        var catalog = new ProfileCatalog([
            new DeviceProfile("portable", "mine", Recipe.Identity, []),
            new DeviceProfile("kiosk", "a kiosk", new Recipe { Quantization = QuantizationMode.Fp16 }, ["linux-x64"]),
        ]);
        Assert.True(catalog.Get("portable").Recipe.IsIdentity);
        Assert.Equal("kiosk", catalog.Get("kiosk").Name);
        // The project's own profile claims linux-x64 before the built-in desktop-x64 does.
        Assert.Equal("kiosk", catalog.ForRuntimeIdentifier("linux-x64").Name);
        Assert.Equal("desktop-x64", catalog.ForRuntimeIdentifier("win-x64").Name);
    }
}

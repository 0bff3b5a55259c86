using Compression.Engine.Recipes;

namespace Compression.Engine.Profiles;

/// <summary>
/// The device profiles that ship with the package. Each recipe uses only techniques the engine implements today; the
/// recipe each profile is headed for (DESIGN.md's table) is in docs/profiles.md, and a profile moves to it as the
/// passes land and measurements on the real models confirm them.
/// </summary>
public static class BuiltInProfiles
{
    public const string Portable = "portable";

    public static IReadOnlyList<DeviceProfile> All { get; } =
    [
        new("none", "the identity: load, check and save; nothing changes", Recipe.Identity, []),
        new(Portable, "runs everywhere and needs no data: int8 weights, per channel", new Recipe { Quantization = QuantizationMode.Int8Weight }, []),
        new("desktop-x64", "x64 desktops and servers", new Recipe { Quantization = QuantizationMode.Int8Weight },
            ["win-x64", "linux-x64", "linux-musl-x64", "osx-x64"]),
        new("desktop-arm64", "arm64 desktops and servers", new Recipe { Quantization = QuantizationMode.Int8Weight },
            ["win-arm64", "linux-arm64", "linux-musl-arm64", "osx-arm64"]),
        new("mobile", "phones and tablets", new Recipe { Quantization = QuantizationMode.Int8Weight },
            ["android-*", "ios-*", "iossimulator-*", "maccatalyst-*"]),
        new("edge", "small Linux devices", new Recipe { Quantization = QuantizationMode.Int8Weight },
            ["linux-arm", "linux-musl-arm", "linux-bionic-*"]),
        new("gpu", "GPUs: half precision", new Recipe { Quantization = QuantizationMode.Fp16 }, []),
    ];
}

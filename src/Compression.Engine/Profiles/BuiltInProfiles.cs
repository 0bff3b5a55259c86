using Compression.Engine.Recipes;

namespace Compression.Engine.Profiles;

/// <summary>
/// The device profiles that ship with the package. Each recipe uses only techniques the engine implements today; the
/// recipe each profile is headed for is in docs/profiles.md, and a profile moves to it as the
/// passes land and measurements on the real models confirm them. The device profiles want static int8, which needs
/// the item's CalibrationData; without it they fall back to int8-weight with warning MCB2102. Every profile that
/// quantizes to integers distills layer-wise when the item has CalibrationData (<see cref="DistillationMode.Auto"/>), and keeps the
/// undistilled model where distillation agrees worse with the original on held-out calibration samples.
/// </summary>
internal static class BuiltInProfiles
{
    public const string Portable = "portable";

    public static IReadOnlyList<DeviceProfile> All { get; } =
    [
        new("none", "the identity: load, check and save; nothing changes", Recipe.Identity, []),
        new(Portable, "runs everywhere and needs no data: int8 weights, per channel", new Recipe { Quantization = QuantizationMode.Int8Weight, Distillation = DistillationMode.Auto }, []),
        // reduce_range: u8s8 integer kernels can saturate their 16-bit pair sums on x64 CPUs without VNNI (AVX2 only),
        // and a desktop-x64 build cannot know its users' CPUs; 7-bit weights are the safe form (docs/quantization.md).
        new("desktop-x64", "x64 desktops and servers: static int8 (7-bit weights), else int8 weights", new Recipe { Quantization = QuantizationMode.Int8, ReduceRange = true, Distillation = DistillationMode.Auto },
            ["win-x64", "linux-x64", "linux-musl-x64", "osx-x64"]),
        new("desktop-arm64", "arm64 desktops and servers: static int8, else int8 weights", new Recipe { Quantization = QuantizationMode.Int8, Distillation = DistillationMode.Auto },
            ["win-arm64", "linux-arm64", "linux-musl-arm64", "osx-arm64"]),
        // Packing: app download size is what phones pay for; Brotli takes 18-52% off int8 models (docs/profiles.md).
        new("mobile", "phones and tablets: static int8, else int8 weights; Brotli-packed", new Recipe { Quantization = QuantizationMode.Int8, Packing = PackingMode.Brotli, Distillation = DistillationMode.Auto },
            ["android-*", "ios-*", "iossimulator-*", "maccatalyst-*"]),
        new("edge", "small Linux devices: static int8, else int8 weights", new Recipe { Quantization = QuantizationMode.Int8, Distillation = DistillationMode.Auto },
            ["linux-arm", "linux-musl-arm", "linux-bionic-*"]),
        new("gpu", "GPUs: half precision", new Recipe { Quantization = QuantizationMode.Fp16 }, []),
    ];
}

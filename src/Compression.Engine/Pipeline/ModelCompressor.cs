using Compression.Onnx.Checking;
using Compression.Onnx.Diagnostics;
using Compression.Onnx.Model;

namespace Compression.Engine.Pipeline;

/// <summary>
/// Runs a compression request: load, apply the profile's recipe, save atomically. The only recipe so far is the
/// identity profile <c>none</c>, which proves that a model survives our load and save unchanged; the device profiles
/// and technique passes plug in here.
/// </summary>
public static class ModelCompressor
{
    public const string IdentityProfile = "none";

    public static IReadOnlyList<string> KnownProfiles { get; } = [IdentityProfile];

    public static void Compress(CompressionRequest request)
    {
        if (!KnownProfiles.Contains(request.Profile, StringComparer.Ordinal))
            throw new CompressionException(EngineErrorCodes.UnknownProfile,
                $"unknown profile '{request.Profile}'; known profiles: {string.Join(", ", KnownProfiles)}.");
        var model = OnnxModel.Load(request.ModelPath);
        // A structurally broken model is refused before any work, so no pass has to guess what it meant.
        ModelChecker.ThrowIfInvalid(model.Proto, request.ModelPath);
        model.Save(request.OutputPath);
    }
}

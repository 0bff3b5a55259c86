namespace Compression.Engine.Build;

/// <summary>What the engine answers: one entry per model that succeeded, and every diagnostic (docs/build-protocol.md).</summary>
internal sealed record BuildResponse(IReadOnlyList<ModelOutput> Models, IReadOnlyList<BuildDiagnostic> Diagnostics)
{
    /// <summary>The responses of one build's per-model engine runs as one, in the order given.</summary>
    public static BuildResponse Merge(IEnumerable<BuildResponse> responses)
    {
        var all = responses.ToList();
        return new BuildResponse(all.SelectMany(r => r.Models).ToList(), all.SelectMany(r => r.Diagnostics).ToList());
    }
}

/// <summary>
/// One model of the build: the item, where its file is, whether the cache answered, and the compression's result. The
/// top-level fields the MSBuild task reads (docs/build-protocol.md) are derived from the result, never copied.
/// </summary>
internal sealed record ModelOutput(string ItemSpec, string OutputPath, bool CacheHit, Pipeline.CompressionResult Result)
{
    public string Profile => Result.Profile;

    public string Recipe => Result.Recipe;

    public long OriginalBytes => Result.OriginalBytes;

    public long CompressedBytes => Result.CompressedBytes;

    /// <summary>SHA-256 of the model the app reads (for a packed file, of what it decodes to): what the accessor promises.</summary>
    public string Sha256 => Result.ModelSha256;

    /// <summary>How the file at <see cref="OutputPath"/> is packed ("none" or "brotli"); the accessor decodes a packed one.</summary>
    public string Packing => Result.Packing?.Method ?? "none";

    /// <summary>The size of the model the file decodes to (equal to the compressed size when not packed).</summary>
    public long ModelBytes => Result.ModelBytes;
}

internal sealed record BuildDiagnostic(string Severity, string Code, string File, string Message);

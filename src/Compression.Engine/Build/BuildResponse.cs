namespace Compression.Engine.Build;

/// <summary>What the engine answers: one entry per model that succeeded, and every diagnostic (docs/build-protocol.md).</summary>
public sealed record BuildResponse(IReadOnlyList<ModelOutput> Models, IReadOnlyList<BuildDiagnostic> Diagnostics)
{
    /// <summary>The responses of one build's per-model engine runs as one, in the order given.</summary>
    public static BuildResponse Merge(IEnumerable<BuildResponse> responses)
    {
        var all = responses.ToList();
        return new BuildResponse(all.SelectMany(r => r.Models).ToList(), all.SelectMany(r => r.Diagnostics).ToList());
    }
}

public sealed record ModelOutput(
    string ItemSpec,
    string OutputPath,
    string Profile,
    string Recipe,
    long OriginalBytes,
    long CompressedBytes,
    string Sha256,
    bool CacheHit)
{
    /// <summary>SQNR per output (and top-1 agreement for class scores) against the original, from the executor.</summary>
    public Reporting.FidelityReport? Fidelity { get; init; }

    /// <summary>Layers the accuracy budget kept back at full precision, and what each cost.</summary>
    public IReadOnlyList<string> KeptBack { get; init; } = [];

    public long Macs { get; init; }

    public long WeightBytesRead { get; init; }

    /// <summary>Time the compression took on the build machine (when it was not a cache hit, the time of the original run).</summary>
    public double CompressionMilliseconds { get; init; }

    /// <summary>How the file at <see cref="OutputPath"/> is packed ("none" or "brotli"); the accessor decodes a packed one.</summary>
    public string Packing { get; init; } = "none";

    /// <summary>The size of the model the file decodes to (equal to the compressed size when not packed); <see cref="Sha256"/> is of these bytes.</summary>
    public long ModelBytes { get; init; }
}

public sealed record BuildDiagnostic(string Severity, string Code, string File, string Message);

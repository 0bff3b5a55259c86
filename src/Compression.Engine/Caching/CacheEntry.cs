namespace Compression.Engine.Caching;

/// <summary>What the cache keeps beside a compressed model: enough to answer a build without recompressing.</summary>
public sealed record CacheEntry(string Profile, string Recipe, long OriginalBytes, long CompressedBytes, string Sha256)
{
    public Reporting.FidelityReport? Fidelity { get; init; }

    public string? FidelityNote { get; init; }

    /// <summary>Layers the accuracy budget kept back.</summary>
    public IReadOnlyList<string> KeptBack { get; init; } = [];

    /// <summary>The compression's warnings, replayed on every build the entry answers.</summary>
    public IReadOnlyList<Pipeline.EngineWarning> Warnings { get; init; } = [];

    public long Macs { get; init; }

    public long WeightBytesRead { get; init; }

    public double CompressionMilliseconds { get; init; }

    /// <summary>With packing, the stored file is the packed one (<see cref="Sha256"/> is its hash); this says what it decodes to.</summary>
    public Packing.PackingReport? Packing { get; init; }
}

namespace Compression.Engine.Build;

/// <summary>What the engine answers: one entry per model that succeeded, and every diagnostic (docs/build-protocol.md).</summary>
public sealed record BuildResponse(IReadOnlyList<ModelOutput> Models, IReadOnlyList<BuildDiagnostic> Diagnostics);

public sealed record ModelOutput(
    string ItemSpec,
    string OutputPath,
    string Profile,
    string Recipe,
    long OriginalBytes,
    long CompressedBytes,
    string Sha256,
    bool CacheHit);

public sealed record BuildDiagnostic(string Severity, string Code, string File, string Message);

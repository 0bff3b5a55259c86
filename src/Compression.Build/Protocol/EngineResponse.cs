using System.Collections.Generic;

namespace Compression.Build.Protocol;

/// <summary>The response.json of docs/build-protocol.md.</summary>
internal sealed class EngineResponse
{
    public List<CompressedModel> Models { get; } = new List<CompressedModel>();
    public List<EngineDiagnostic> Diagnostics { get; } = new List<EngineDiagnostic>();
}

/// <summary>One model the engine compressed (or found in its cache).</summary>
internal sealed class CompressedModel
{
    public string ItemSpec { get; set; } = "";
    public string OutputPath { get; set; } = "";
    public string Profile { get; set; } = "";
    public string Recipe { get; set; } = "";
    public long OriginalBytes { get; set; }
    public long CompressedBytes { get; set; }
    public string Sha256 { get; set; } = "";
    public bool CacheHit { get; set; }
    /// <summary>"none" or "brotli": how the output file is packed (absent in older responses: none).</summary>
    public string Packing { get; set; } = "none";
}

/// <summary>An error or warning, with its code and the file it concerns.</summary>
internal sealed class EngineDiagnostic
{
    public bool IsError { get; set; }
    public string Code { get; set; } = "";
    public string File { get; set; } = "";
    public string Message { get; set; } = "";
}

namespace Compression.Build.Accessor;

/// <summary>What the generated accessor says about one model.</summary>
internal sealed class AccessorModel
{
    public string ClassName { get; set; } = "";
    /// <summary>The original item, for the doc comment.</summary>
    public string Source { get; set; } = "";
    /// <summary>The manifest resource name when embedded; empty when the model is a file next to the app.</summary>
    public string ResourceName { get; set; } = "";
    /// <summary>The path relative to the app's folder when not embedded.</summary>
    public string FileName { get; set; } = "";
    public string Profile { get; set; } = "";
    public string Recipe { get; set; } = "";
    public long OriginalSize { get; set; }
    public long CompressedSize { get; set; }
    public string Sha256 { get; set; } = "";
    /// <summary>"none", or "brotli" when the embedded resource or file is a Brotli stream the accessor decodes.</summary>
    public string Packing { get; set; } = "none";
}

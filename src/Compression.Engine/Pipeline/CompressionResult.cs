namespace Compression.Engine.Pipeline;

/// <summary>What one compression did: the profile and recipe applied, each pass's report, and the file sizes.</summary>
public sealed record CompressionResult(
    string Model,
    string Output,
    string Profile,
    string Recipe,
    IReadOnlyList<PassReport> Passes,
    long OriginalBytes,
    long CompressedBytes)
{
    public double Ratio => CompressedBytes == 0 ? 0 : (double)OriginalBytes / CompressedBytes;
}

namespace Compression.Engine.Packing;

/// <summary>
/// What packing shipped: the packed size against the unpacked compressed model, the original (fp32) file, and the
/// original file packed the same way — the last shows what the compression passes add over plain Brotli.
/// </summary>
internal sealed record PackingReport(string Method, long PackedBytes, long ModelBytes, long OriginalBytes, long OriginalPackedBytes, string ModelSha256)
{
    /// <summary>How many times smaller the packed file is than the original file.</summary>
    public double RatioVsOriginal => PackedBytes == 0 ? 0 : (double)OriginalBytes / PackedBytes;

    /// <summary>How many times smaller the packed file is than the original packed with the same Brotli settings.</summary>
    public double RatioVsPackedOriginal => PackedBytes == 0 ? 0 : (double)OriginalPackedBytes / PackedBytes;

    public override string ToString() =>
        $"{Method}: {ModelBytes:N0} -> {PackedBytes:N0} bytes; {RatioVsOriginal:F2}x smaller than the original file ({OriginalBytes:N0}), "
        + $"{RatioVsPackedOriginal:F2}x smaller than the original packed alone ({OriginalPackedBytes:N0})";
}

namespace Compression.Onnx.DataFiles;

/// <summary>Constants of the .npy format (numpy.lib.format, "NEP 1").</summary>
internal static class NpyFormat
{
    public static ReadOnlySpan<byte> Magic => [0x93, (byte)'N', (byte)'U', (byte)'M', (byte)'P', (byte)'Y'];

    /// <summary>
    /// Headers longer than this are refused before they are read. NumPy itself stops at 10,000 bytes by default; a
    /// header with NumPy's maximum of 64 dimensions needs under 2,000, so anything near this bound is not a real file.
    /// </summary>
    public const int MaxHeaderLength = 100_000;

    /// <summary>NumPy 2's limit on dimensions; more is a corrupt header, not a real array.</summary>
    public const int MaxDimensions = 64;
}

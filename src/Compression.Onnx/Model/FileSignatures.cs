namespace Compression.Onnx.Model;

/// <summary>
/// Recognises common non-ONNX files by their first bytes. Protobuf has no magic number and random bytes sometimes
/// parse, so a file that is plainly an image or an archive gets a message that says what it is.
/// </summary>
internal static class FileSignatures
{
    public static string? Describe(ReadOnlySpan<byte> head)
    {
        if (head.StartsWith((ReadOnlySpan<byte>)[0x89, 0x50, 0x4E, 0x47])) return "a PNG image";
        if (head.StartsWith((ReadOnlySpan<byte>)[0xFF, 0xD8, 0xFF])) return "a JPEG image";
        if (head.StartsWith("GIF8"u8)) return "a GIF image";
        if (head.StartsWith((ReadOnlySpan<byte>)[0x50, 0x4B, 0x03, 0x04])) return "a ZIP archive";
        if (head.StartsWith((ReadOnlySpan<byte>)[0x1F, 0x8B])) return "a gzip archive";
        if (head.StartsWith((ReadOnlySpan<byte>)[0x93, 0x4E, 0x55, 0x4D, 0x50, 0x59])) return "a NumPy array file";
        if (head.StartsWith("%PDF"u8)) return "a PDF document";
        return null;
    }
}

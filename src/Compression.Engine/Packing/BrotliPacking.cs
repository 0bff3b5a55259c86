using System.IO.Compression;

namespace Compression.Engine.Packing;

/// <summary>
/// <c>Packing=brotli</c>: the whole model file as one Brotli stream (RFC 7932) — what .NET's BrotliStream, browsers and
/// every brotli tool decode. Quality 11 and a 16 MiB window (lgwin 24, the format's largest) are fixed: the same bytes
/// always pack to the same bytes with one encoder build, and the window spans every model of the test set whole, so a
/// run of zeros or a repeated int8 pattern in one tensor is a back-reference for all the others. Quality 11 is the
/// slowest setting, but a build packs a model once (the cache keeps it) and the app decodes it at full speed.
/// </summary>
internal static class BrotliPacking
{
    public const int Quality = 11;

    public const int WindowBits = 24;

    public static byte[] Pack(ReadOnlySpan<byte> data)
    {
        // Brotli's worst case is the input plus a few bytes per 64 KiB meta-block; this bound is generous.
        var buffer = new byte[data.Length + (data.Length >> 10) + 1024];
        if (!BrotliEncoder.TryCompress(data, buffer, out var written, Quality, WindowBits))
            throw new InvalidOperationException("Brotli could not compress into a buffer of its worst-case size.");
        return buffer.AsSpan(0, written).ToArray();
    }

    public static byte[] Unpack(ReadOnlySpan<byte> packed)
    {
        using var input = new MemoryStream(packed.ToArray(), writable: false);
        using var brotli = new BrotliStream(input, CompressionMode.Decompress);
        using var output = new MemoryStream();
        brotli.CopyTo(output);
        return output.ToArray();
    }
}

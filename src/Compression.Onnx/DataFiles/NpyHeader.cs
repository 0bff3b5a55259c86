using System.Globalization;
using System.Text;

namespace Compression.Onnx.DataFiles;

/// <summary>The three facts a .npy header states: the dtype string, the memory order and the shape.</summary>
internal sealed record NpyHeader(string Descr, bool FortranOrder, IReadOnlyList<long> Shape)
{
    /// <summary>
    /// The dictionary literal as NumPy writes it (keys sorted, a trailing comma, a one-tuple with its comma), so files
    /// we write are byte-identical to NumPy's for the same array.
    /// </summary>
    public string ToDictionaryLiteral()
    {
        var shape = Shape.Count == 1
            ? $"({Shape[0].ToString(CultureInfo.InvariantCulture)},)"
            : "(" + string.Join(", ", Shape.Select(d => d.ToString(CultureInfo.InvariantCulture))) + ")";
        return $"{{'descr': '{Descr}', 'fortran_order': {(FortranOrder ? "True" : "False")}, 'shape': {shape}, }}";
    }

    /// <summary>
    /// The whole preamble: magic, version, header length, the padded header. NumPy pads with spaces and a final newline
    /// so the data starts on a 64-byte boundary (aligned for memory mapping); version 1.0 unless the header outgrows its
    /// 16-bit length field.
    /// </summary>
    public byte[] Encode()
    {
        var literal = ToDictionaryLiteral();
        var version = Padded(literal, 10) - 10 > ushort.MaxValue ? 2 : 1;
        var prefix = version == 1 ? 10 : 12;
        var total = Padded(literal, prefix);
        var header = literal.PadRight(total - prefix - 1) + "\n";
        var bytes = new byte[total];
        NpyFormat.Magic.CopyTo(bytes);
        bytes[6] = (byte)version;
        bytes[7] = 0;
        if (version == 1)
            System.Buffers.Binary.BinaryPrimitives.WriteUInt16LittleEndian(bytes.AsSpan(8), (ushort)header.Length);
        else
            System.Buffers.Binary.BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(8), (uint)header.Length);
        Encoding.Latin1.GetBytes(header, bytes.AsSpan(prefix));
        return bytes;
    }

    /// <summary>NumPy's padding rule, kept exactly (an already aligned header still gets 64 spaces) for identical bytes.</summary>
    private static int Padded(string literal, int prefix)
    {
        var unpadded = prefix + literal.Length + 1;
        return unpadded + 64 - unpadded % 64;
    }
}

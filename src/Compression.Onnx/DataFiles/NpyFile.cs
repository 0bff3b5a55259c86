using System.Buffers.Binary;
using System.Text;
using Compression.Onnx.Diagnostics;
using Compression.Onnx.Model;
using Compression.Onnx.Protobuf;
using Compression.Onnx.Tensors;
using Google.Protobuf;
using DataType = Compression.Onnx.Protobuf.TensorProto.Types.DataType;

namespace Compression.Onnx.DataFiles;

/// <summary>
/// NumPy .npy files (format versions 1.0, 2.0 and 3.0) as ONNX tensors: the form in which most calibration and
/// validation data arrives. Reading trusts nothing in the header: a header that promises more data than the file holds,
/// or a shape whose size overflows, is a coded error (MCB1201) before any buffer is sized by it. C order only; a
/// dtype ONNX has no element type for, or Fortran order, is MCB1203. Big-endian files are converted.
/// </summary>
public static class NpyFile
{
    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    /// <summary>Reads a file; the tensor is named after the file (without .npy).</summary>
    public static TensorProto Read(string path)
    {
        FileStream stream;
        try
        {
            stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            throw new CompressionException(ErrorCodes.DataFileNotFound, "the data file does not exist.", path, e);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new CompressionException(ErrorCodes.DataFileInvalid, $"the data file cannot be read: {e.Message}", path, e);
        }
        using (stream)
            return Read(stream, Path.GetFileNameWithoutExtension(path), path);
    }

    public static TensorProto Read(Stream stream, string? name = null) => Read(stream, name, null);

    public static void Write(string path, TensorProto tensor)
    {
        var (header, data) = Encode(tensor, path);
        try
        {
            AtomicFile.Write(path, stream =>
            {
                stream.Write(header);
                stream.Write(data.Span);
            });
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new CompressionException(ErrorCodes.DataFileWriteFailed, $"the data file cannot be written: {e.Message}", path, e);
        }
    }

    public static void Write(Stream stream, TensorProto tensor)
    {
        var (header, data) = Encode(tensor, null);
        stream.Write(header);
        stream.Write(data.Span);
    }

    private static TensorProto Read(Stream stream, string? name, string? path)
    {
        Span<byte> prefix = stackalloc byte[12];
        ReadExactly(stream, prefix[..8], path, "the magic string and version");
        if (!prefix[..6].SequenceEqual(NpyFormat.Magic))
            throw Invalid(path, "it does not start with the NumPy magic string \\x93NUMPY");
        int major = prefix[6], minor = prefix[7];
        if (major is not (1 or 2 or 3) || minor != 0)
            throw Unsupported(path, $"format version {major}.{minor} is not one of 1.0, 2.0, 3.0");
        // Version 1.0 has a 16-bit header length; 2.0 widened it to 32 bits; 3.0 made the header UTF-8.
        long headerLength;
        if (major == 1)
        {
            ReadExactly(stream, prefix[8..10], path, "the header length");
            headerLength = BinaryPrimitives.ReadUInt16LittleEndian(prefix[8..]);
        }
        else
        {
            ReadExactly(stream, prefix[8..12], path, "the header length");
            headerLength = BinaryPrimitives.ReadUInt32LittleEndian(prefix[8..]);
        }
        if (headerLength > NpyFormat.MaxHeaderLength)
            throw Invalid(path, $"its header claims {headerLength} bytes, far more than any real header");
        var headerBytes = new byte[headerLength];
        ReadExactly(stream, headerBytes, path, "the header");

        NpyHeader header;
        try
        {
            var text = major == 3 ? StrictUtf8.GetString(headerBytes) : Encoding.Latin1.GetString(headerBytes);
            header = NpyHeaderParser.Parse(text);
        }
        catch (Exception e) when (e is FormatException or DecoderFallbackException)
        {
            throw Invalid(path, $"its header is malformed: {e.Message}", e);
        }
        catch (NotSupportedException e)
        {
            throw Unsupported(path, e.Message);
        }

        var dtype = NpyDType.Parse(header.Descr)
            ?? throw Unsupported(path, $"dtype '{header.Descr}' has no ONNX element type (supported: f2 f4 f8 i1 u1 b1 i2 u2 i4 u4 i8 u8 c8 c16)");
        if (header.FortranOrder)
            throw Unsupported(path, "the array is in Fortran order; save it with numpy.ascontiguousarray first");

        var shape = TensorShape.Format(header.Shape);
        long byteCount;
        try
        {
            long count = 1;
            foreach (var d in header.Shape) count = checked(count * d);
            byteCount = checked(count * dtype.ItemSize);
        }
        catch (OverflowException e)
        {
            throw Invalid(path, $"its shape {shape} is larger than any array can be", e);
        }
        if (stream.CanSeek && stream.Length - stream.Position != byteCount)
            throw Invalid(path,
                $"its header describes shape {shape} of '{header.Descr}' ({byteCount} bytes) but {stream.Length - stream.Position} bytes of data follow");
        if (byteCount > Array.MaxLength)
            throw new CompressionException(ErrorCodes.TensorTooLarge,
                $"the array of shape {shape} ({byteCount} bytes) is larger than one tensor can hold in memory.", path);

        var data = ReadData(stream, (int)byteCount, path);
        if (!stream.CanSeek && stream.ReadByte() >= 0)
            throw Invalid(path, $"more data follows than shape {shape} of '{header.Descr}' describes");
        if (dtype.BigEndian)
            LittleEndianBytes.ReverseEach(data, dtype.SwapUnit);
        if (dtype.Type == DataType.Bool)
            for (var i = 0; i < data.Length; i++) data[i] = data[i] != 0 ? (byte)1 : (byte)0;

        var tensor = new TensorProto { Name = name ?? "", DataType = (int)dtype.Type, RawData = UnsafeByteOperations.UnsafeWrap(data) };
        tensor.Dims.Add(header.Shape);
        return tensor;
    }

    /// <summary>
    /// Reads the data in growing chunks rather than trusting the header's size for one allocation: a non-seekable
    /// stream that lies about its length then costs at most twice what it really holds.
    /// </summary>
    private static byte[] ReadData(Stream stream, int byteCount, string? path)
    {
        var buffer = new byte[Math.Min(byteCount, 1 << 20)];
        var filled = 0;
        while (filled < byteCount)
        {
            if (filled == buffer.Length)
                Array.Resize(ref buffer, (int)Math.Min(byteCount, 2L * buffer.Length));
            var read = stream.Read(buffer, filled, buffer.Length - filled);
            if (read == 0)
                throw Invalid(path, $"it is truncated: the header describes {byteCount} bytes of data but only {filled} follow");
            filled += read;
        }
        return buffer;
    }

    private static (byte[] Header, ReadOnlyMemory<byte> Data) Encode(TensorProto tensor, string? path)
    {
        var descr = NpyDType.DescrFor((DataType)tensor.DataType)
            ?? throw Unsupported(path, $"tensor '{tensor.Name}' holds {ElementTypes.Name(tensor)} values, which NumPy has no dtype for");
        var data = tensor.DataType == (int)DataType.Bool
            ? TensorData.Read<bool>(tensor, path).Select(b => b ? (byte)1 : (byte)0).ToArray()
            : TensorData.ReadRawBytes(tensor, path);
        return (new NpyHeader(descr, false, tensor.Dims.ToArray()).Encode(), data);
    }

    private static void ReadExactly(Stream stream, Span<byte> buffer, string? path, string what)
    {
        try
        {
            stream.ReadExactly(buffer);
        }
        catch (EndOfStreamException e)
        {
            throw Invalid(path, $"it is truncated: the file ends inside {what}", e);
        }
    }

    private static CompressionException Invalid(string? path, string detail, Exception? inner = null) =>
        new(ErrorCodes.DataFileInvalid, $"not a valid .npy file: {detail}.", path, inner);

    private static CompressionException Unsupported(string? path, string detail) =>
        new(ErrorCodes.DataFileUnsupported, $"unsupported .npy file: {detail}.", path);
}

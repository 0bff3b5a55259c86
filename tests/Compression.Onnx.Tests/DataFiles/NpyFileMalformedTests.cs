using System.Buffers.Binary;
using System.Text;
using Compression.Onnx.DataFiles;
using Compression.Onnx.Diagnostics;
using Compression.Onnx.Tensors;

namespace Compression.Onnx.Tests.DataFiles;

/// <summary>Broken or hostile .npy files: each is a coded error naming the file, and none sizes a buffer by its header.</summary>
public sealed class NpyFileMalformedTests : IDisposable
{
    private readonly TempFolder _temp = new();

    public void Dispose() => _temp.Dispose();

    [Fact]
    public void TruncatedDataIsInvalid()
    {
        var path = WriteValid("t.npy");
        var bytes = File.ReadAllBytes(path);
        File.WriteAllBytes(path, bytes[..^3]);
        AssertCode(ErrorCodes.DataFileInvalid, path);
    }

    [Fact]
    public void FileEndingInsideTheHeaderIsInvalid()
    {
        var path = WriteValid("t.npy");
        File.WriteAllBytes(path, File.ReadAllBytes(path)[..40]);
        var e = AssertCode(ErrorCodes.DataFileInvalid, path);
        Assert.Contains("truncated", e.Message);
    }

    [Fact]
    public void BadMagicIsInvalid()
    {
        var path = WriteValid("t.npy");
        var bytes = File.ReadAllBytes(path);
        bytes[1] = (byte)'X';
        File.WriteAllBytes(path, bytes);
        AssertCode(ErrorCodes.DataFileInvalid, path);
    }

    [Fact]
    public void HeaderPromisingMoreElementsThanTheFileHoldsIsInvalid()
    {
        var path = Craft("lie.npy", "{'descr': '<f4', 'fortran_order': False, 'shape': (10,), }", dataBytes: 16);
        var e = AssertCode(ErrorCodes.DataFileInvalid, path);
        Assert.Contains("[10]", e.Message);
    }

    [Fact]
    public void TrailingBytesAfterTheDataAreInvalid()
    {
        var path = Craft("extra.npy", "{'descr': '<f4', 'fortran_order': False, 'shape': (2,), }", dataBytes: 12);
        AssertCode(ErrorCodes.DataFileInvalid, path);
    }

    [Fact]
    public void HugeShapeInATinyFileIsInvalidWithoutAllocating()
    {
        var path = Craft("huge.npy", "{'descr': '<f4', 'fortran_order': False, 'shape': (1048576, 1048576), }", dataBytes: 8);
        var before = GC.GetAllocatedBytesForCurrentThread();
        AssertCode(ErrorCodes.DataFileInvalid, path);
        Assert.True(GC.GetAllocatedBytesForCurrentThread() - before < 1 << 20, "reading allocated as if the header were true");
    }

    [Fact]
    public void HugeShapeInANonSeekableStreamFailsAtTheEndOfTheDataNotBeforeIt()
    {
        var path = Craft("huge.npy", "{'descr': '<f8', 'fortran_order': False, 'shape': (1099511627776,), }", dataBytes: 64);
        using var stream = new NonSeekableStream(File.ReadAllBytes(path));
        var before = GC.GetAllocatedBytesForCurrentThread();
        var e = Assert.Throws<CompressionException>(() => NpyFile.Read(stream, "x"));
        Assert.True(GC.GetAllocatedBytesForCurrentThread() - before < 4 << 20);
        Assert.Equal(ErrorCodes.TensorTooLarge, e.Code); // 8 TB cannot be one tensor, whatever the stream holds
        var lying = Craft("lying.npy", "{'descr': '<f8', 'fortran_order': False, 'shape': (100000000,), }", dataBytes: 64);
        using var lyingStream = new NonSeekableStream(File.ReadAllBytes(lying));
        before = GC.GetAllocatedBytesForCurrentThread();
        Assert.Equal(ErrorCodes.DataFileInvalid, Assert.Throws<CompressionException>(() => NpyFile.Read(lyingStream, "x")).Code);
        Assert.True(GC.GetAllocatedBytesForCurrentThread() - before < 4 << 20, "the header's 800 MB was allocated up front");
    }

    [Fact]
    public void ShapeWhoseSizeOverflowsIsInvalid()
    {
        var path = Craft("overflow.npy", "{'descr': '<f4', 'fortran_order': False, 'shape': (4611686018427387904, 4), }", dataBytes: 0);
        AssertCode(ErrorCodes.DataFileInvalid, path);
    }

    [Fact]
    public void FortranOrderIsUnsupported()
    {
        var path = Craft("f.npy", "{'descr': '<f4', 'fortran_order': True, 'shape': (2, 2), }", dataBytes: 16);
        var e = AssertCode(ErrorCodes.DataFileUnsupported, path);
        Assert.Contains("Fortran", e.Message);
    }

    [Theory]
    [InlineData("{'descr': '<U5', 'fortran_order': False, 'shape': (1,), }")]
    [InlineData("{'descr': '|O', 'fortran_order': False, 'shape': (1,), }")]
    [InlineData("{'descr': [('a', '<f4')], 'fortran_order': False, 'shape': (1,), }")]
    public void DtypesWithoutAnOnnxElementTypeAreUnsupported(string header) =>
        AssertCode(ErrorCodes.DataFileUnsupported, Craft("u.npy", header, dataBytes: 4));

    [Theory]
    [InlineData("")]
    [InlineData("garbage")]
    [InlineData("{'descr': '<f4', 'fortran_order': False, }")]
    [InlineData("{'descr': '<f4', 'fortran_order': False, 'shape': (1,), 'extra': 1, }")]
    [InlineData("{'descr': '<f4', 'descr': '<f4', 'fortran_order': False, 'shape': (1,), }")]
    [InlineData("{'descr': '<f4', 'fortran_order': Maybe, 'shape': (1,), }")]
    [InlineData("{'descr': '<f4', 'fortran_order': False, 'shape': (-1,), }")]
    [InlineData("{'descr': '<f4', 'fortran_order': False, 'shape': (1, }")]
    [InlineData("{'descr': '<f4', 'fortran_order': False, 'shape': (1,), } trailing")]
    [InlineData("{'descr': '<f4, 'fortran_order': False, 'shape': (1,), }")]
    [InlineData("{'descr': '<f4', 'fortran_order': False, 'shape': (99999999999999999999,), }")]
    public void MalformedHeadersAreInvalid(string header) =>
        AssertCode(ErrorCodes.DataFileInvalid, Craft("m.npy", header, dataBytes: 4));

    [Fact]
    public void HeaderParserAcceptsWhatOtherWritersProduce()
    {
        // Python 2's long suffix, double quotes, keys in another order, no trailing comma, a newline inside.
        var path = Craft("ok.npy", "{\"shape\": (2L,), 'fortran_order': False,\n 'descr': '<i2'}", dataBytes: 4);
        var t = NpyFile.Read(path);
        Assert.Equal([2L], t.Dims);
        Assert.Equal([0, 0], TensorData.Read<short>(t));
    }

    [Fact]
    public void HeaderLengthBeyondTheFileIsInvalid()
    {
        byte[] bytes = [.. Magic, 2, 0, 0, 0, 0, 0];
        BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(8), 50_000);
        var path = _temp.File("long.npy");
        File.WriteAllBytes(path, bytes);
        AssertCode(ErrorCodes.DataFileInvalid, path);
        BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(8), uint.MaxValue);
        File.WriteAllBytes(path, bytes);
        AssertCode(ErrorCodes.DataFileInvalid, path);
    }

    [Fact]
    public void UnknownFormatVersionIsUnsupported()
    {
        var path = WriteValid("v.npy");
        var bytes = File.ReadAllBytes(path);
        bytes[6] = 9;
        File.WriteAllBytes(path, bytes);
        AssertCode(ErrorCodes.DataFileUnsupported, path);
    }

    [Fact]
    public void MissingFileIsNotFound() => AssertCode(ErrorCodes.DataFileNotFound, _temp.File("absent.npy"));

    [Fact]
    public void TensorTypesNumPyCannotHoldAreRefusedOnWrite()
    {
        var path = _temp.File("bf16.npy");
        var e = Assert.Throws<CompressionException>(() =>
            NpyFile.Write(path, TensorData.Create<BFloat16>("b", [1], [BFloat16.FromSingle(1)])));
        Assert.Equal(ErrorCodes.DataFileUnsupported, e.Code);
        Assert.Equal(path, e.FilePath);
        Assert.False(File.Exists(path));
    }

    private string WriteValid(string name)
    {
        var path = _temp.File(name);
        NpyFile.Write(path, TensorData.Create<float>("x", [2, 2], [1f, 2f, 3f, 4f]));
        return path;
    }

    /// <summary>A version 1.0 file with a header of our choosing and zeroed data.</summary>
    private string Craft(string name, string header, int dataBytes)
    {
        var text = Encoding.Latin1.GetBytes(header + "\n");
        var bytes = new byte[10 + text.Length + dataBytes];
        Magic.CopyTo(bytes, 0);
        bytes[6] = 1;
        BinaryPrimitives.WriteUInt16LittleEndian(bytes.AsSpan(8), (ushort)text.Length);
        text.CopyTo(bytes, 10);
        var path = _temp.File(name);
        File.WriteAllBytes(path, bytes);
        return path;
    }

    private static readonly byte[] Magic = [0x93, (byte)'N', (byte)'U', (byte)'M', (byte)'P', (byte)'Y'];

    private static CompressionException AssertCode(string code, string path)
    {
        var e = Assert.Throws<CompressionException>(() => NpyFile.Read(path));
        Assert.True(code == e.Code, $"expected {code}, got {e.Code}: {e.Message}");
        Assert.Equal(path, e.FilePath);
        return e;
    }

    private sealed class NonSeekableStream(byte[] bytes) : MemoryStream(bytes)
    {
        public override bool CanSeek => false;

        public override long Length => throw new NotSupportedException();

        public override long Position
        {
            get => throw new NotSupportedException();
            set => throw new NotSupportedException();
        }
    }
}

using Compression.Onnx.DataFiles;
using Compression.Onnx.Diagnostics;
using Compression.Onnx.Protobuf;
using Compression.Onnx.Tensors;
using Google.Protobuf;
using DataType = Compression.Onnx.Protobuf.TensorProto.Types.DataType;

namespace Compression.Onnx.Tests.DataFiles;

public sealed class TensorProtoFileTests : IDisposable
{
    private readonly TempFolder _temp = new();

    public void Dispose() => _temp.Dispose();

    [Fact]
    public void WrittenFileReadsBackEqualAndLeavesNoTemporaryFiles()
    {
        var path = _temp.File("input_0.pb");
        var tensor = TensorData.Create<float>("x", [2, 3], [1f, 2f, 3f, 4f, 5f, 6f]);
        TensorProtoFile.Write(path, tensor);
        Assert.Equal(tensor, TensorProtoFile.Read(path));
        Assert.Equal(["input_0.pb"], Directory.GetFiles(_temp.Path).Select(Path.GetFileName));
    }

    [Fact]
    public void WrittenFileLoadsInOnnxWithTheSameValues()
    {
        var path = _temp.File("t.pb");
        TensorProtoFile.Write(path, TensorData.Create<long>("ids", [3], [-1, 0, long.MaxValue], TensorStorage.TypedFields));
        var output = SystemPython.Run("""
            import sys, onnx
            from onnx import numpy_helper
            t = onnx.TensorProto()
            t.ParseFromString(open(sys.argv[1], 'rb').read())
            print(t.name, numpy_helper.to_array(t).tolist())
            """, path);
        Assert.Equal("ids [-1, 0, 9223372036854775807]", output.Trim());
    }

    [Fact]
    public void MissingFileIsNotFound()
    {
        var path = _temp.File("absent.pb");
        var e = Assert.Throws<CompressionException>(() => TensorProtoFile.Read(path));
        Assert.Equal(ErrorCodes.DataFileNotFound, e.Code);
        Assert.Equal(path, e.FilePath);
    }

    [Theory]
    [InlineData(new byte[] { 0xFF, 0xFF, 0xFF })]                         // not protobuf
    [InlineData(new byte[] { 0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A })] // a PNG
    [InlineData(new byte[] { })]                                          // parses, but has no element type
    public void BytesThatAreNotATensorAreInvalid(byte[] bytes)
    {
        var path = _temp.File("bad.pb");
        File.WriteAllBytes(path, bytes);
        var e = Assert.Throws<CompressionException>(() => TensorProtoFile.Read(path));
        Assert.Equal(ErrorCodes.DataFileInvalid, e.Code);
        Assert.Equal(path, e.FilePath);
    }

    [Fact]
    public void TensorWhoseDataDisagreesWithItsDimsIsRefusedWithTheFile()
    {
        var tensor = new TensorProto { Name = "x", DataType = (int)DataType.Float, RawData = ByteString.CopyFrom(new byte[8]) };
        tensor.Dims.Add(1L << 40);
        var path = _temp.File("lie.pb");
        File.WriteAllBytes(path, tensor.ToByteArray());
        var e = Assert.Throws<CompressionException>(() => TensorProtoFile.Read(path));
        Assert.Equal(ErrorCodes.TensorDataSizeMismatch, e.Code);
        Assert.Equal(path, e.FilePath);

        var e2 = Assert.Throws<CompressionException>(() => TensorProtoFile.Write(_temp.File("out.pb"), tensor));
        Assert.Equal(ErrorCodes.TensorDataSizeMismatch, e2.Code);
        Assert.False(File.Exists(_temp.File("out.pb")));
    }
}

using Compression.Onnx.DataFiles;
using Compression.Onnx.Diagnostics;
using Compression.Onnx.Tensors;

namespace Compression.Onnx.Tests.DataFiles;

public sealed class TensorFileTests : IDisposable
{
    private readonly TempFolder _temp = new();

    public void Dispose() => _temp.Dispose();

    [Theory]
    [InlineData("input_0.npy", new byte[] { 0x93, (byte)'N' })]
    [InlineData("input_0.PB", new byte[] { 0x08 })]
    public void TheExtensionChoosesTheFormat(string name, byte[] firstBytes)
    {
        var path = _temp.File(name);
        var tensor = TensorData.Create<int>("input_0", [2], [7, -7]);
        TensorFile.Write(path, tensor);
        Assert.Equal(firstBytes, File.ReadAllBytes(path)[..firstBytes.Length]);
        Assert.Equal([7, -7], TensorData.Read<int>(TensorFile.Read(path)));
        Assert.True(TensorFile.IsTensorFile(path));
    }

    [Fact]
    public void OtherExtensionsAreUnsupported()
    {
        var path = _temp.File("labels.csv");
        File.WriteAllText(path, "1,2");
        Assert.False(TensorFile.IsTensorFile(path));
        var e = Assert.Throws<CompressionException>(() => TensorFile.Read(path));
        Assert.Equal(ErrorCodes.DataFileUnsupported, e.Code);
        Assert.Equal(path, e.FilePath);
    }
}

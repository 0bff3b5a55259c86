using Compression.Onnx.Model;
using Compression.Onnx.Protobuf;
using Compression.Testing;
using Google.Protobuf;

namespace Compression.Onnx.Tests.Model;

/// <summary>
/// The real 2 GB protobuf limit. Writing and reading over 2 GB takes minutes and several GB of memory, so this runs
/// only on request: <c>dotnet test --filter Category=Long</c>. The same code path runs in the normal suite with a
/// lowered threshold (ExternalDataTests).
/// </summary>
[Trait("Category", "Long")]
public class LargeModelTests
{
    [Fact]
    public void A_model_past_two_gigabytes_is_saved_with_external_data_and_loads_back()
    {
        using var temp = new TempFolder();
        const int tensorBytes = 768 * 1024 * 1024;
        var graph = new GraphProto { Name = "large", Output = { TinyModels.Float("w0", tensorBytes / 4) } };
        for (var i = 0; i < 3; i++)
        {
            var bytes = new byte[tensorBytes];
            bytes[i] = (byte)(i + 1);
            graph.Initializer.Add(new TensorProto
            {
                Name = $"w{i}", DataType = (int)TensorProto.Types.DataType.Float, Dims = { tensorBytes / 4 },
                RawData = UnsafeByteOperations.UnsafeWrap(bytes),
            });
        }
        var model = OnnxModel.FromProto(TinyModels.Model(graph));
        var path = Path.Combine(temp.Path, "large.onnx");
        model.Save(path);

        Assert.True(new FileInfo(path).Length < 1 << 20);
        Assert.True(new FileInfo(path + ".data").Length >= 3L * tensorBytes);
        var loaded = OnnxModel.Load(path);
        for (var i = 0; i < 3; i++)
            Assert.Equal((byte)(i + 1), loaded.Graph.Initializer[i].RawData[i]);
    }
}

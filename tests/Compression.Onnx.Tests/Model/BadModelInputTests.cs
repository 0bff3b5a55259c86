using Compression.Onnx.Diagnostics;
using Compression.Onnx.Model;
using Compression.Onnx.Protobuf;
using Compression.Testing;
using Google.Protobuf;

namespace Compression.Onnx.Tests.Model;

/// <summary>Bad model files end in a coded <see cref="CompressionException"/> naming the file: never a crash, hang or huge allocation.</summary>
public class BadModelInputTests
{
    private const string Png = "/usr/lib/python3/dist-packages/skimage/data/astronaut.png";

    [Fact]
    public void A_missing_file_is_MCB1001()
    {
        var e = Assert.Throws<CompressionException>(() => OnnxModel.Load("/nonexistent/model.onnx"));
        Assert.Equal(ErrorCodes.ModelNotFound, e.Code);
        Assert.Equal("/nonexistent/model.onnx", e.FilePath);
    }

    [Fact]
    public void An_empty_file_is_MCB1002()
    {
        using var temp = new TempFolder();
        var path = Path.Combine(temp.Path, "empty.onnx");
        File.WriteAllBytes(path, []);
        Assert.Equal(ErrorCodes.ModelEmpty, Assert.Throws<CompressionException>(() => OnnxModel.Load(path)).Code);
    }

    [Fact]
    public void A_model_cut_inside_its_weights_is_MCB1003()
    {
        var bytes = TinyModels.Dense(64, 32).ToByteArray();
        var e = Assert.Throws<CompressionException>(() => OnnxModel.Load(bytes[..(bytes.Length * 6 / 10)], null, "cut.onnx"));
        Assert.Equal(ErrorCodes.ModelCorrupt, e.Code);
        Assert.Equal("cut.onnx", e.FilePath);
    }

    [Fact]
    public void Every_truncation_of_a_real_model_either_loads_or_fails_with_a_coded_error()
    {
        var path = Path.Combine(TestAssets.BackendSuiteRoot, "pytorch-operator/test_operator_conv/model.onnx");
        var bytes = File.ReadAllBytes(path);
        var coded = 0;
        for (var length = 1; length < bytes.Length; length++)
        {
            try { OnnxModel.Load(bytes[..length], null, "t.onnx"); }
            catch (CompressionException) { coded++; }
        }
        // Most prefixes end inside a field; the few that end on a field boundary may parse as a smaller model.
        Assert.True(coded > bytes.Length * 9 / 10, $"only {coded} of {bytes.Length} prefixes were rejected");
    }

    [Fact]
    public void Random_bytes_fail_with_a_coded_error()
    {
        var random = new Random(20261122);
        for (var i = 0; i < 300; i++)
        {
            var bytes = new byte[random.Next(1, 4096)];
            random.NextBytes(bytes);
            var e = Assert.Throws<CompressionException>(() => OnnxModel.Load(bytes, null, "random.onnx"));
            Assert.Contains(e.Code, new[] { ErrorCodes.ModelCorrupt, ErrorCodes.ModelNoGraph, ErrorCodes.ModelNestedTooDeeply,
                ErrorCodes.TensorDataSizeMismatch, ErrorCodes.TensorDimsInvalid, ErrorCodes.TensorElementTypeUnsupported });
        }
    }

    [Fact]
    public void A_png_named_onnx_says_it_is_a_png()
    {
        using var temp = new TempFolder();
        var path = Path.Combine(temp.Path, "photo.onnx");
        File.Copy(Png, path);
        var e = Assert.Throws<CompressionException>(() => OnnxModel.Load(path));
        Assert.Equal(ErrorCodes.ModelCorrupt, e.Code);
        Assert.Contains("PNG", e.Message);
    }

    [Fact]
    public void Raw_data_shorter_than_the_dims_say_is_MCB1101()
    {
        var model = TinyModels.Dense(4, 4);
        model.Graph.Initializer[0].RawData = ByteString.CopyFrom(new byte[12]);
        var e = Assert.Throws<CompressionException>(() => OnnxModel.Load(model.ToByteArray(), null, "short.onnx"));
        Assert.Equal(ErrorCodes.TensorDataSizeMismatch, e.Code);
        Assert.Contains("'W'", e.Message);
    }

    [Theory]
    [InlineData(1L << 20, 1L << 20, ErrorCodes.TensorDataSizeMismatch)]
    [InlineData(1L << 40, 1L << 40, ErrorCodes.TensorDimsInvalid)]
    [InlineData(-3, 4, ErrorCodes.TensorDimsInvalid)]
    public void Absurd_dims_are_refused_without_allocating(long d0, long d1, string code)
    {
        var model = TinyModels.Dense(4, 4);
        var w = model.Graph.Initializer[0];
        w.Dims.Clear();
        w.Dims.Add(d0);
        w.Dims.Add(d1);
        var bytes = model.ToByteArray();
        var before = GC.GetAllocatedBytesForCurrentThread();
        var e = Assert.Throws<CompressionException>(() => OnnxModel.Load(bytes, null, "dims.onnx"));
        Assert.Equal(code, e.Code);
        Assert.True(GC.GetAllocatedBytesForCurrentThread() - before < 16 << 20);
    }

    [Fact]
    public void Subgraphs_nested_past_the_limit_are_MCB1004()
    {
        var inner = new GraphProto { Name = "leaf" };
        for (var level = 0; level < 60; level++)
        {
            var node = TinyModels.Node("If", ["c"], [$"o{level}"]);
            node.Attribute.Add(new AttributeProto { Name = "then_branch", Type = AttributeProto.Types.AttributeType.Graph, G = inner });
            inner = new GraphProto { Name = $"g{level}", Node = { node } };
        }
        var bytes = TinyModels.Model(inner).ToByteArray();
        var e = Assert.Throws<CompressionException>(() => OnnxModel.Load(bytes, null, "deep.onnx"));
        Assert.Equal(ErrorCodes.ModelNestedTooDeeply, e.Code);
    }

    [Fact]
    public void A_protobuf_without_a_graph_is_MCB1008()
    {
        var bytes = new ModelProto { IrVersion = 8, ProducerName = "nothing" }.ToByteArray();
        Assert.Equal(ErrorCodes.ModelNoGraph, Assert.Throws<CompressionException>(() => OnnxModel.Load(bytes)).Code);
    }

    [Fact]
    public void A_folder_is_not_a_model()
    {
        using var temp = new TempFolder();
        Assert.Equal(ErrorCodes.ModelNotFound, Assert.Throws<CompressionException>(() => OnnxModel.Load(temp.Path)).Code);
    }
}

using Compression.Onnx.Diagnostics;
using Compression.Onnx.Model;
using Compression.Onnx.Protobuf;
using Compression.Testing;

namespace Compression.Onnx.Tests.Model;

public class ExternalDataTests
{
    [Fact]
    public void Saving_with_external_data_moves_large_tensors_to_a_data_file_and_loads_back_equal()
    {
        using var temp = new TempFolder();
        var model = OnnxModel.FromProto(TinyModels.Dense(64, 32));
        var path = Path.Combine(temp.Path, "dense.onnx");
        model.Save(path, new ModelSaveOptions { ExternalData = ExternalDataMode.Always });

        var dataFile = path + ".data";
        Assert.True(File.Exists(dataFile));
        var written = ModelProto.Parser.ParseFrom(File.ReadAllBytes(path));
        var weight = written.Graph.Initializer.Single(t => t.Name == "W");
        Assert.Equal(TensorProto.Types.DataLocation.External, weight.DataLocation);
        Assert.False(weight.HasRawData);
        // The 32-float bias is under the 1 KiB floor and stays inline.
        Assert.True(written.Graph.Initializer.Single(t => t.Name == "b").HasRawData);
        Assert.True(new FileInfo(dataFile).Length >= 64 * 32 * 4);

        var loaded = OnnxModel.Load(path);
        Assert.Equal(model.Proto, loaded.Proto);
        // Saving never changes the model in memory.
        Assert.True(model.Proto.Graph.Initializer.Single(t => t.Name == "W").HasRawData);
    }

    [Fact]
    public void Auto_mode_goes_external_only_past_the_threshold()
    {
        using var temp = new TempFolder();
        var model = OnnxModel.FromProto(TinyModels.Dense(64, 32));
        var small = Path.Combine(temp.Path, "inline.onnx");
        model.Save(small, new ModelSaveOptions { ExternalDataThresholdBytes = 1L << 20 });
        Assert.False(File.Exists(small + ".data"));

        var lowered = Path.Combine(temp.Path, "lowered.onnx");
        model.Save(lowered, new ModelSaveOptions { ExternalDataThresholdBytes = 4096 });
        Assert.True(File.Exists(lowered + ".data"));
        Assert.Equal(model.Proto, OnnxModel.Load(lowered).Proto);
    }

    [Fact]
    public void A_missing_data_file_is_a_coded_error_naming_the_model()
    {
        using var temp = new TempFolder();
        var path = Path.Combine(temp.Path, "m.onnx");
        OnnxModel.FromProto(TinyModels.Dense(64, 32)).Save(path, new ModelSaveOptions { ExternalData = ExternalDataMode.Always });
        File.Delete(path + ".data");
        var e = Assert.Throws<CompressionException>(() => OnnxModel.Load(path));
        Assert.Equal(ErrorCodes.ExternalDataMissing, e.Code);
        Assert.Equal(path, e.FilePath);
    }

    [Theory]
    [InlineData("../outside.bin")]
    [InlineData("sub/../../outside.bin")]
    [InlineData("/etc/passwd")]
    [InlineData("C:\\Windows\\win.ini")]
    [InlineData("..\\outside.bin")]
    public void A_location_outside_the_model_folder_is_refused(string location)
    {
        using var temp = new TempFolder();
        var folder = Directory.CreateDirectory(Path.Combine(temp.Path, "model")).FullName;
        File.WriteAllBytes(Path.Combine(temp.Path, "outside.bin"), new byte[64 * 32 * 4]);
        var path = WriteExternal(folder, location, offset: 0, length: 64 * 32 * 4);
        var e = Assert.Throws<CompressionException>(() => OnnxModel.Load(path));
        Assert.Equal(ErrorCodes.ExternalDataEscapes, e.Code);
    }

    [Fact]
    public void An_offset_past_the_end_of_the_data_file_is_refused()
    {
        using var temp = new TempFolder();
        File.WriteAllBytes(Path.Combine(temp.Path, "w.bin"), new byte[100]);
        var path = WriteExternal(temp.Path, "w.bin", offset: 64, length: 64 * 32 * 4);
        var e = Assert.Throws<CompressionException>(() => OnnxModel.Load(path));
        Assert.Equal(ErrorCodes.ExternalDataOutOfRange, e.Code);
    }

    [Fact]
    public void External_data_shorter_than_the_dims_say_is_refused()
    {
        using var temp = new TempFolder();
        File.WriteAllBytes(Path.Combine(temp.Path, "w.bin"), new byte[100]);
        var path = WriteExternal(temp.Path, "w.bin", offset: 0, length: null);
        var e = Assert.Throws<CompressionException>(() => OnnxModel.Load(path));
        Assert.Equal(ErrorCodes.TensorDataSizeMismatch, e.Code);
    }

    [Fact]
    public void An_offset_that_is_not_a_number_is_refused()
    {
        using var temp = new TempFolder();
        File.WriteAllBytes(Path.Combine(temp.Path, "w.bin"), new byte[64 * 32 * 4]);
        var path = WriteExternal(temp.Path, "w.bin", offset: 0, length: null, offsetText: "-5");
        var e = Assert.Throws<CompressionException>(() => OnnxModel.Load(path));
        Assert.Equal(ErrorCodes.ExternalDataOutOfRange, e.Code);
    }

    [Fact]
    public void A_model_with_external_data_loaded_from_a_stream_without_a_folder_says_so()
    {
        using var temp = new TempFolder();
        var path = Path.Combine(temp.Path, "m.onnx");
        OnnxModel.FromProto(TinyModels.Dense(64, 32)).Save(path, new ModelSaveOptions { ExternalData = ExternalDataMode.Always });
        var e = Assert.Throws<CompressionException>(() => OnnxModel.Load(File.ReadAllBytes(path)));
        Assert.Equal(ErrorCodes.ExternalDataMissing, e.Code);
    }

    /// <summary>A Dense(64, 32) model whose weight points at <paramref name="location"/> as written, unchecked.</summary>
    private static string WriteExternal(string folder, string location, long offset, long? length, string? offsetText = null)
    {
        var proto = TinyModels.Dense(64, 32);
        var w = proto.Graph.Initializer.Single(t => t.Name == "W");
        w.ClearRawData();
        w.DataLocation = TensorProto.Types.DataLocation.External;
        w.ExternalData.Add(new StringStringEntryProto { Key = "location", Value = location });
        w.ExternalData.Add(new StringStringEntryProto { Key = "offset", Value = offsetText ?? offset.ToString(System.Globalization.CultureInfo.InvariantCulture) });
        if (length is { } l) w.ExternalData.Add(new StringStringEntryProto { Key = "length", Value = l.ToString(System.Globalization.CultureInfo.InvariantCulture) });
        var path = Path.Combine(folder, "m.onnx");
        File.WriteAllBytes(path, Google.Protobuf.MessageExtensions.ToByteArray(proto));
        return path;
    }
}

using Compression.Onnx.Protobuf;
using Compression.Testing;

namespace Compression.Cli.Tests;

public class CompressCommandTests
{
    [Fact]
    public void Profile_none_writes_a_model_equal_to_the_input()
    {
        using var temp = new TempFolder();
        var input = Path.Combine(TestAssets.BackendSuiteRoot, "node/test_range_float_type_positive_delta_expanded/model.onnx");
        var output = Path.Combine(temp.Path, "out", "model.onnx");
        var (code, _, stderr) = ModelcRunner.Run("compress", input, "-o", output, "--profile", "none");
        Assert.Equal(0, code);
        Assert.Equal("", stderr);
        Assert.Equal(ModelProto.Parser.ParseFrom(File.ReadAllBytes(input)), ModelProto.Parser.ParseFrom(File.ReadAllBytes(output)));
        Assert.Single(Directory.GetFiles(Path.GetDirectoryName(output)!)); // no temporary files left behind
    }

    [Fact]
    public void An_unknown_profile_is_exit_code_2_and_lists_the_known_ones()
    {
        using var temp = new TempFolder();
        var input = Path.Combine(TestAssets.BackendSuiteRoot, "node/test_abs/model.onnx");
        var output = Path.Combine(temp.Path, "out.onnx");
        var (code, _, stderr) = ModelcRunner.Run("compress", input, "-o", output, "--profile", "tiny");
        Assert.Equal(2, code);
        Assert.Contains("MCB2001", stderr);
        Assert.Contains("none", stderr);
        Assert.False(File.Exists(output));
    }

    [Fact]
    public void A_structurally_invalid_model_is_refused_with_MCB1301_and_nothing_written()
    {
        using var temp = new TempFolder();
        var model = TinyModels.Dense(4, 2);
        model.Graph.Node[0].Input[0] = "undefined";
        var input = temp.Combine("broken.onnx");
        File.WriteAllBytes(input, Google.Protobuf.MessageExtensions.ToByteArray(model));
        var output = temp.Combine("out.onnx");

        var (code, _, stderr) = ModelcRunner.Run("compress", input, "-o", output);
        Assert.Equal(2, code);
        Assert.StartsWith($"{input}: error MCB1301:", stderr);
        Assert.Contains("undefined", stderr);
        Assert.False(File.Exists(output));

        var (inspectCode, inspectOut, _) = ModelcRunner.Run("inspect", input, "--json");
        Assert.Equal(0, inspectCode);
        Assert.False(System.Text.Json.JsonDocument.Parse(inspectOut).RootElement.GetProperty("valid").GetBoolean());
    }
}

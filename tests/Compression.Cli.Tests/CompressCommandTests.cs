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
}

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

public class CompressPlanTests
{
    [Fact]
    public void Plan_prints_every_step_and_the_fallback_warning_and_writes_nothing()
    {
        using var temp = new TempFolder("plan");
        var output = temp.Combine("out.onnx");
        var report = temp.Combine("report.json");
        var (code, stdout, stderr) = ModelcRunner.Run("compress", TestAssets.Models.PaddleOcrClassifier.RequirePath(), "-o", output,
            "--profile", "mobile", "--report", report, "--plan");
        Assert.Equal(0, code);
        var lines = stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        Assert.Contains("profile mobile, recipe int8-weight + brotli", lines[0]);
        Assert.Equal(["1. fallback: int8 + brotli → int8-weight + brotli (warning MCB2102)", "2. int8-weight: int8 weights per channel",
            "3. brotli: the saved file entropy-coded; the accessor decodes it"], lines[1..]);
        Assert.Contains("warning MCB2102", stderr);
        Assert.Empty(Directory.GetFileSystemEntries(temp.Path));
    }

    [Fact]
    public void Plan_with_calibration_data_raises_the_opset_and_preprocesses_before_static_int8()
    {
        using var temp = new TempFolder("plan-int8");
        var (code, stdout, _) = ModelcRunner.Run("compress", TestAssets.Models.PaddleOcrClassifier.RequirePath(), "-o", temp.Combine("out.onnx"),
            "--profile", "desktop-x64", "--calibration-data", temp.CreateFolder("data"), "--plan");
        Assert.Equal(0, code);
        Assert.Contains("1. convert-opset: opset 9 → 13", stdout);
        Assert.Contains("7. int8: static int8 QDQ, uint8 activations calibrated by minmax, 7-bit (reduce range)", stdout);
        Assert.False(File.Exists(temp.Combine("out.onnx")));
    }
}

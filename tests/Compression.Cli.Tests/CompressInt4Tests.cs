using Compression.Testing;

namespace Compression.Cli.Tests;

/// <summary>`modelc compress --quantization int4-weight` on a real model: exit code 0, a ratio printed, an int4 model written.</summary>
public class CompressInt4Tests
{
    [Fact]
    public void Int4_weight_compresses_the_wake_word_model_and_prints_the_ratio()
    {
        using var temp = new TempFolder();
        var input = TestAssets.Models.HelloDeepa.RequirePath();
        var output = temp.Combine("q.onnx");
        var (code, stdout, stderr) = ModelcRunner.Run("compress", input, "-o", output, "--profile", "none", "--quantization", "int4-weight", "--block-size", "64");
        Assert.True(code == 0, stderr);
        Assert.Contains("(int4-weight)", stdout);
        // The file shrinks about 6.4x at blocks of 64 (its Gemm weights 7.1x); the printed ratio is the file's.
        var ratio = System.Text.RegularExpressions.Regex.Match(stdout, @"\((\d+\.\d+)x\)");
        Assert.True(ratio.Success, stdout);
        Assert.True(double.Parse(ratio.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture) >= 5, stdout);
        var model = Compression.Onnx.Model.OnnxModel.Load(output);
        Assert.Contains(model.Graph.Initializer, t => t.DataType == (int)Compression.Onnx.Protobuf.TensorProto.Types.DataType.Int4);
    }
}

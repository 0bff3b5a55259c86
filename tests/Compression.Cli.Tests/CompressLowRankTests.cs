using Compression.Testing;

namespace Compression.Cli.Tests;

/// <summary>`modelc compress --low-rank` on a real model: exit code 0, the ratio printed, factored layers written; bad values coded.</summary>
public class CompressLowRankTests
{
    [Fact]
    public void Low_rank_factors_the_wake_word_model_and_prints_the_ratio()
    {
        using var temp = new TempFolder();
        var input = TestAssets.Models.HelloDeepa.RequirePath();
        var output = temp.Combine("lr.onnx");
        var (code, stdout, stderr) = ModelcRunner.Run("compress", input, "-o", output, "--profile", "none", "--low-rank", "rank:0.25");
        Assert.True(code == 0, stderr);
        Assert.Contains("(low-rank rank:0.25)", stdout);
        var ratio = System.Text.RegularExpressions.Regex.Match(stdout, @"\((\d+\.\d+)x\)");
        Assert.True(ratio.Success && double.Parse(ratio.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture) >= 3, stdout);
        // Each of the two Gemms now reads a MatMul's r = 8 values.
        var graph = Compression.Onnx.Model.OnnxModel.Load(output).Graph;
        Assert.Equal(2, graph.Node.Count(n => n.OpType == "MatMul" && n.Name.EndsWith("_lowrank_first", StringComparison.Ordinal)));
    }

    [Theory]
    [InlineData("rank:-1")]
    [InlineData("rank:0")]
    [InlineData("energy:1.5")]
    [InlineData("svd")]
    public void Out_of_range_low_rank_values_are_refused_with_a_code_and_nothing_written(string value)
    {
        using var temp = new TempFolder();
        var output = temp.Combine("lr.onnx");
        var (code, _, stderr) = ModelcRunner.Run("compress", TestAssets.Models.HelloDeepa.RequirePath(), "-o", output, "--low-rank", value);
        Assert.NotEqual(0, code);
        Assert.Matches(@"MCB\d{4}", stderr);
        Assert.Contains("LowRank", stderr);
        Assert.False(File.Exists(output));
    }
}

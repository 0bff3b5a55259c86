using Compression.Testing;

namespace Compression.Cli.Tests;

/// <summary>modelc compress with an accuracy budget: a miss is exit code 1 with MCB2201 and no output file.</summary>
public class BudgetCommandTests
{
    [Fact]
    public async Task A_budget_no_fallback_fits_exits_1_with_MCB2201_and_leaves_no_output()
    {
        using var temp = new TempFolder("cli-budget");
        var proto = Compression.Onnx.Model.OnnxModel.Load(TestAssets.Models.HelloDeepa.RequirePath()).Proto;
        foreach (var node in proto.Graph.Node) node.Name = "";
        var path = temp.Combine("unnamed.onnx");
        Compression.Onnx.Model.OnnxModel.FromProto(proto).Save(path);
        var validation = temp.CreateFolder("validation");
        await ModelInputs.GenerateAsync(path, validation, seed: 3);
        var output = temp.Combine("q.onnx");

        var (exit, stdout, stderr) = ModelcRunner.Run("compress", path, "-o", output, "--quantization", "int8-weight",
            "--validation-data", validation, "--min-fidelity-db", "200");
        Assert.Equal(1, exit);
        Assert.StartsWith($"{path}: error MCB2201: ", Assert.Single(stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries)));
        Assert.Equal("", stdout);
        Assert.False(File.Exists(output));

        var (fits, _, _) = ModelcRunner.Run("compress", path, "-o", output, "--quantization", "int8-weight",
            "--validation-data", validation, "--min-fidelity-db", "20");
        Assert.Equal(0, fits);
        Assert.True(File.Exists(output));
    }
}

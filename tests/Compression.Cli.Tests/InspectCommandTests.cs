using System.Text.Json;
using Compression.Testing;

namespace Compression.Cli.Tests;

public class InspectCommandTests
{
    private static string Backend(string test) => Path.Combine(TestAssets.BackendSuiteRoot, test, "model.onnx");

    [Fact]
    public void Json_output_has_parameters_operators_and_inputs()
    {
        var (code, stdout, stderr) = ModelcRunner.Run("inspect", Backend("pytorch-converted/test_Conv2d"), "--json");
        Assert.Equal(0, code);
        Assert.Equal("", stderr);
        using var doc = JsonDocument.Parse(stdout);
        var root = doc.RootElement;
        Assert.Equal(76, root.GetProperty("parameters").GetInt64());
        Assert.Equal(1, root.GetProperty("operators").GetProperty("Conv").GetInt32());
        Assert.Equal(6, root.GetProperty("opsets").GetProperty("").GetInt64());
        Assert.True(root.GetProperty("valid").GetBoolean());
        Assert.Equal(0, root.GetProperty("issues").GetArrayLength());
        Assert.Equal(["2", "3", "7", "5"], root.GetProperty("inputs")[0].GetProperty("shape").EnumerateArray().Select(e => e.GetString()));
    }

    [Fact]
    public void Table_output_names_the_numbers_a_person_looks_for()
    {
        var (code, stdout, _) = ModelcRunner.Run("inspect", Backend("pytorch-converted/test_Conv2d"));
        Assert.Equal(0, code);
        Assert.Contains("parameters", stdout);
        Assert.Contains("76", stdout);
        Assert.Contains("Conv", stdout);
        Assert.Contains("MACs", stdout);
    }

    [Fact]
    public void An_old_ir_model_is_reported_usable_with_its_deviations_repairable_not_errors()
    {
        using var temp = new TempFolder("inspect-old-ir");
        // CNTK's form: IR 3 initializers that are not graph inputs, which ONNX Runtime loads.
        var model = OldIrExports.Write("cntk-ir3-opset8", temp.Combine("cntk.onnx"));
        var (code, stdout, _) = ModelcRunner.Run("inspect", model, "--json");
        Assert.Equal(0, code);
        using var doc = JsonDocument.Parse(stdout);
        var root = doc.RootElement;
        Assert.False(root.GetProperty("valid").GetBoolean());
        Assert.True(root.GetProperty("usable").GetBoolean());
        Assert.Equal(0, root.GetProperty("errors").GetArrayLength());
        Assert.True(root.GetProperty("repairable").GetArrayLength() > 0);
        Assert.Equal(root.GetProperty("issues").GetArrayLength(), root.GetProperty("repairable").GetArrayLength());

        var (_, table, _) = ModelcRunner.Run("inspect", model);
        Assert.Contains("0 error(s)", table);
        Assert.Contains("  repairable: [initializer-input]", table);
    }
}

using Compression.Testing;

namespace Compression.Evaluation.Tests.Oracle;

/// <summary>Bad inputs make the oracle fail loudly (exit code 2, one line on stderr), never run on something else.</summary>
public sealed class OracleErrorTests
{
    // hello_deepa has one input, "onnx::Flatten_0", of fixed shape [1, 25, 96] float32.
    private static async Task<ProcessResult> RunHelloDeepaWith(string fileName, string shape, string dtype)
    {
        var model = TestAssets.Models.HelloDeepa.RequirePath();
        using var temp = new TempFolder("oracle-error");
        var inputs = temp.CreateFolder("inputs");
        await Python.RunAsync(
            "import sys, numpy as np; np.save(sys.argv[1], np.zeros(eval(sys.argv[2]), dtype=sys.argv[3]))",
            Path.Combine(inputs, fileName), shape, dtype);
        return await OnnxRuntimeOracle.RunRawAsync(["--model", model, "--inputs", inputs, "--outputs", temp.Combine("outputs")]);
    }

    private static void AssertFailsWithOneLine(ProcessResult result, string expectedFragment)
    {
        Assert.Equal(2, result.ExitCode);
        var stderr = result.StandardError.TrimEnd('\n');
        Assert.DoesNotContain('\n', stderr);
        Assert.Contains(expectedFragment, stderr, StringComparison.Ordinal);
        Assert.Equal(string.Empty, result.StandardOutput);
    }

    [Fact]
    public async Task Correct_input_by_sanitized_name_runs()
    {
        // The name-based rule: ':' is outside [A-Za-z0-9_.-] and becomes '_'.
        var result = await RunHelloDeepaWith("onnx__Flatten_0.npy", "(1, 25, 96)", "float32");

        Assert.Equal(0, result.ExitCode);
    }

    [Fact]
    public async Task Input_file_with_a_wrong_name_fails_naming_the_expected_files()
    {
        var result = await RunHelloDeepaWith("onnx::Flatten_0.npy", "(1, 25, 96)", "float32");

        AssertFailsWithOneLine(result, "expected input_0.npy, input_0.pb or onnx__Flatten_0.npy");
    }

    [Fact]
    public async Task Input_with_a_wrong_shape_fails()
    {
        var result = await RunHelloDeepaWith("input_0.npy", "(1, 24, 96)", "float32");

        AssertFailsWithOneLine(result, "shape [1,24,96]");
    }

    [Fact]
    public async Task Input_with_a_wrong_element_type_fails()
    {
        var result = await RunHelloDeepaWith("input_0.npy", "(1, 25, 96)", "float64");

        AssertFailsWithOneLine(result, "element type float64");
    }

    [Fact]
    public async Task Stray_npy_file_next_to_the_inputs_fails()
    {
        var model = TestAssets.Models.HelloDeepa.RequirePath();
        using var temp = new TempFolder("oracle-stray");
        var inputs = temp.CreateFolder("inputs");
        await ModelInputs.GenerateAsync(model, inputs);
        File.Copy(Path.Combine(inputs, "input_0.npy"), Path.Combine(inputs, "input_1.npy"));

        var result = await OnnxRuntimeOracle.RunRawAsync(["--model", model, "--inputs", inputs, "--outputs", temp.Combine("outputs")]);

        AssertFailsWithOneLine(result, "input_1.npy matches no model input");
    }

    [Fact]
    public async Task Unknown_option_and_missing_model_are_usage_errors()
    {
        using var temp = new TempFolder("oracle-usage");

        var unknown = await OnnxRuntimeOracle.RunRawAsync(["--no-such-option"]);
        var missing = await OnnxRuntimeOracle.RunRawAsync(["--model", temp.Combine("absent.onnx"), "--inputs", temp.Path, "--outputs", temp.Path]);

        AssertFailsWithOneLine(unknown, "--no-such-option");
        AssertFailsWithOneLine(missing, "model not found");
    }

    [Fact]
    public async Task Run_async_throws_with_the_oracle_error_line()
    {
        var model = TestAssets.Models.HelloDeepa.RequirePath();
        using var temp = new TempFolder("oracle-throw");

        var error = await Assert.ThrowsAsync<InvalidOperationException>(
            () => OnnxRuntimeOracle.RunAsync(model, temp.CreateFolder("empty"), temp.Combine("outputs")));

        Assert.Contains("no file for model input 0", error.Message, StringComparison.Ordinal);
    }
}

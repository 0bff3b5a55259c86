using Compression.Testing;

namespace Compression.Evaluation.Tests.Oracle;

/// <summary>
/// The oracle reproduces the expected outputs that ONNX's backend suite ships, straight from its test_data_set_0
/// folders (input_&lt;i&gt;.pb): evidence that what the oracle says is what ONNX says.
/// </summary>
public sealed class BackendSuiteOracleTests
{
    // Compares every output_<i>.npy of the oracle with the suite's output_<i>.pb: exact for integers and bools, a
    // float tolerance for the rest (ORT's kernels and ONNX's numpy reference round differently).
    private const string CompareScript = """
        import sys, numpy as np, onnx
        from onnx import numpy_helper
        data_set, actual_folder, count = sys.argv[1], sys.argv[2], int(sys.argv[3])
        for i in range(count):
            expected = numpy_helper.to_array(onnx.load_tensor(f"{data_set}/output_{i}.pb"))
            actual = np.load(f"{actual_folder}/output_{i}.npy")
            assert actual.dtype == expected.dtype, f"output {i}: dtype {actual.dtype} != {expected.dtype}"
            assert actual.shape == expected.shape, f"output {i}: shape {actual.shape} != {expected.shape}"
            if expected.dtype.kind == "f":
                np.testing.assert_allclose(actual, expected, rtol=1e-3, atol=1e-4, err_msg=f"output {i}")
            else:
                assert np.array_equal(actual, expected), f"output {i}: values differ"
        print("ok")
        """;

    // A spread of element types (float, float16, int64, bool) and of the four groups. Only cases ORT 1.30 still
    // implements: it dropped some opset-6 kernels (Add(6) with its broadcast attribute) that the suite still uses.
    public static TheoryData<string> Cases => new()
    {
        "node/test_abs",
        "node/test_add_bcast",
        "node/test_and2d",
        "node/test_argmax_default_axis_example",
        "node/test_cast_FLOAT_to_FLOAT16",
        "node/test_conv_with_strides_padding",
        "node/test_gather_0",
        "node/test_matmul_2d",
        "node/test_softmax_example",
        "pytorch-converted/test_Conv2d",
        "pytorch-operator/test_operator_conv",
        "simple/test_sign_model",
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task Oracle_matches_the_backend_suite_expected_outputs(string testCase)
    {
        var folder = TestAssets.Require(Path.Combine(TestAssets.BackendSuiteRoot, testCase));
        var dataSet = TestAssets.Require(Path.Combine(folder, "test_data_set_0"));
        using var temp = new TempFolder("backend");

        var result = await OnnxRuntimeOracle.RunAsync(Path.Combine(folder, "model.onnx"), dataSet, temp.Path);

        var expectedCount = Directory.GetFiles(dataSet, "output_*.pb").Length;
        Assert.Equal(expectedCount, result.Outputs.Count);
        var verdict = await Python.RunAsync(CompareScript, dataSet, temp.Path, expectedCount.ToString(System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal("ok", verdict.Trim());
    }
}

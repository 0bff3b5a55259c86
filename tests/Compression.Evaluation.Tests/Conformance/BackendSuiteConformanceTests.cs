using Compression.Testing.Conformance;
using Compression.Testing;
using Xunit.Abstractions;

namespace Compression.Evaluation.Tests.Conformance;

/// <summary>
/// ONNX's backend test suite (libonnx-testdata, ONNX 1.12) as the executor's conformance oracle: every case whose
/// operators the executor supports must pass with the suite's tolerances. Cases with an unsupported operator are
/// counted, not failed; the totals per operator are printed (dotnet test -v n, or the TRX file).
/// </summary>
public class BackendSuiteConformanceTests
{
    /// <summary>Cases that fail for a reason outside the executor; each needs a reason, and there should be few.</summary>
    public static readonly IReadOnlyDictionary<string, string> KnownExceptions = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["test_batchnorm_epsilon_training_mode"] = "BatchNormalization training_mode=1: the executor is for inference and refuses it by design",
        ["test_batchnorm_example_training_mode"] = "BatchNormalization training_mode=1: the executor is for inference and refuses it by design",
        ["test_cast_BFLOAT16_to_FLOAT"] = "ONNX 1.12 stores this case's bfloat16 data as UINT16 tensors, so the executor is fed (or compared with) uint16 numbers instead of bfloat16 values",
        ["test_castlike_BFLOAT16_to_FLOAT"] = "ONNX 1.12 stores this case's bfloat16 data as UINT16 tensors, so the executor is fed (or compared with) uint16 numbers instead of bfloat16 values",
        ["test_castlike_BFLOAT16_to_FLOAT_expanded"] = "ONNX 1.12 stores this case's bfloat16 data as UINT16 tensors, so the executor is fed (or compared with) uint16 numbers instead of bfloat16 values",
        ["test_cast_FLOAT_to_BFLOAT16"] = "ONNX 1.12 stores this case's bfloat16 data as UINT16 tensors, so the executor is fed (or compared with) uint16 numbers instead of bfloat16 values; the expected values also truncate float to bfloat16, where ONNX Runtime and the executor round to nearest even",
        ["test_castlike_FLOAT_to_BFLOAT16"] = "ONNX 1.12 stores this case's bfloat16 data as UINT16 tensors, so the executor is fed (or compared with) uint16 numbers instead of bfloat16 values; the expected values also truncate float to bfloat16, where ONNX Runtime and the executor round to nearest even",
        ["test_castlike_FLOAT_to_BFLOAT16_expanded"] = "ONNX 1.12 stores this case's bfloat16 data as UINT16 tensors, so the executor is fed (or compared with) uint16 numbers instead of bfloat16 values; the expected values also truncate float to bfloat16, where ONNX Runtime and the executor round to nearest even",
    };

    private readonly ITestOutputHelper _output;

    public BackendSuiteConformanceTests(ITestOutputHelper output) => _output = output;

    [Fact]
    public void Every_supported_backend_case_passes_with_the_suite_tolerances()
    {
        var cases = TestAssets.BackendModels().Select(p => new BackendCase(Path.GetDirectoryName(p)!)).ToList();
        Assert.True(cases.Count > 1000, "the backend suite is missing: run build/test-assets.sh");

        ConformanceTally.RunAll("backend suite", cases, KnownExceptions, _output);
    }
}

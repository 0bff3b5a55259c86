using Compression.Testing.Conformance;
using Compression.Testing;
using Xunit.Abstractions;

namespace Compression.Evaluation.Tests.Conformance;

/// <summary>
/// Operator versions 18–21, which the backend suite (ONNX 1.12) does not reach: cases kept as data in the repo
/// (Conformance/OrtCases/data, made by the generate_*.py scripts there) whose expected outputs come from ONNX Runtime
/// 1.30. The same harness and tolerances as the backend suite; every case here was written for an operator we
/// implement, so an unsupported case is a failure.
/// </summary>
public class OrtCasesConformanceTests
{
    /// <summary>Cases that fail for a reason outside the executor; each needs a reason.</summary>
    public static readonly IReadOnlyDictionary<string, string> KnownExceptions = new Dictionary<string, string>(StringComparer.Ordinal);

    private readonly ITestOutputHelper _output;

    public OrtCasesConformanceTests(ITestOutputHelper output) => _output = output;

    public static string DataFolder =>
        Path.Combine(TestAssets.RepoRoot, "tests", "Compression.Evaluation.Tests", "Conformance", "OrtCases", "data");

    [Fact]
    public void Every_onnx_runtime_case_for_opsets_18_to_21_passes()
    {
        var cases = Directory.GetDirectories(DataFolder).Order(StringComparer.Ordinal).Select(d => new BackendCase(d)).ToList();
        Assert.True(cases.Count > 0, $"no cases under {DataFolder}");
        ConformanceTally.RunAll("onnx runtime cases (opsets 18-21)", cases, KnownExceptions, _output, requireEveryCaseSupported: true);
    }
}

using Compression.Evaluation.Execution;
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

        var perOperator = new SortedDictionary<string, int[]>(StringComparer.Ordinal);
        var failures = new List<string>();
        var totals = Enum.GetValues<CaseOutcome>().ToDictionary(o => o, o => 0);
        var passedOps = new HashSet<string>(StringComparer.Ordinal);
        foreach (var c in cases)
        {
            var (outcome, detail, ops) = c.Run();
            totals[outcome]++;
            foreach (var op in ops)
            {
                if (!perOperator.TryGetValue(op, out var counts)) perOperator[op] = counts = new int[3];
                counts[(int)outcome]++;
                if (outcome == CaseOutcome.Passed) passedOps.Add(op);
            }
            if (outcome == CaseOutcome.Failed && !KnownExceptions.ContainsKey(c.Name))
                failures.Add($"{c.Group}/{c.Name}: {detail}");
        }

        _output.WriteLine($"backend suite: {totals[CaseOutcome.Passed]} passed, {totals[CaseOutcome.Failed]} failed, " +
            $"{totals[CaseOutcome.Unsupported]} unsupported of {cases.Count}; operators covered: {passedOps.Count}");
        foreach (var (op, counts) in perOperator.Where(p => p.Value[0] + p.Value[1] > 0))
            _output.WriteLine($"  {op,-28} passed {counts[0],4}  failed {counts[1],4}  unsupported {counts[2],4}");

        Assert.True(failures.Count == 0, $"{failures.Count} supported cases failed:\n{string.Join('\n', failures.Take(40))}");

        // Every operator with a kernel is proven by at least one case of the suite (where the suite has one).
        var registered = KernelRegistry.Default.Registered.Select(r => r.Op).Distinct(StringComparer.Ordinal);
        var unproven = registered.Where(op => perOperator.ContainsKey(op) && !passedOps.Contains(op)).ToList();
        Assert.True(unproven.Count == 0, $"operators with kernels but no passing case: {string.Join(", ", unproven)}");
    }
}

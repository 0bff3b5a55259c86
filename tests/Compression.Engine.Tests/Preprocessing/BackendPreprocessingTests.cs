using Compression.Engine.Preprocessing;
using Compression.Onnx.Checking;
using Compression.Onnx.Model;
using Compression.Testing;
using Compression.Testing.Conformance;
using Xunit.Abstractions;

namespace Compression.Engine.Tests.Preprocessing;

/// <summary>
/// Every case of ONNX's backend suite, preprocessed, still gives its expected outputs on the executor: a case the executor
/// passes as it is must pass preprocessed (the cases where folding applies are where shape chains, Constant nodes and
/// operators over constants are).
/// </summary>
public class BackendPreprocessingTests(ITestOutputHelper output)
{
    [Fact]
    public void Preprocessed_backend_cases_keep_their_expected_outputs()
    {
        var totals = new SortedDictionary<CaseOutcome, int>();
        var failures = new List<string>();
        int changed = 0, passedBefore = 0, nodesBefore = 0, nodesAfter = 0;
        foreach (var path in TestAssets.BackendModels())
        {
            var backendCase = new BackendCase(Path.GetDirectoryName(path)!);
            var (outcome, detail, _) = backendCase.Run(transform: m =>
            {
                var copy = m.Proto.Clone();
                Preprocessor.Run(copy);
                var check = ModelChecker.Check(copy);
                if (!check.IsValid) failures.Add($"{backendCase.Group}/{backendCase.Name}: invalid after preprocessing: {check}");
                if (!copy.Equals(m.Proto)) changed++;
                nodesBefore += m.Proto.Graph.Node.Count;
                nodesAfter += copy.Graph.Node.Count;
                return OnnxModel.FromProto(copy, m.SourcePath);
            });
            totals[outcome] = totals.GetValueOrDefault(outcome) + 1;
            var before = backendCase.Run().Outcome;
            if (before == CaseOutcome.Passed) passedBefore++;
            // A case the executor fails or lacks operators for as it is cannot count against preprocessing.
            if (before == CaseOutcome.Passed && outcome != CaseOutcome.Passed)
                failures.Add($"{backendCase.Group}/{backendCase.Name}: {outcome}: {detail}");
        }
        output.WriteLine($"{totals.Values.Sum()} cases, {changed} changed by preprocessing ({nodesBefore} → {nodesAfter} nodes); "
            + $"{passedBefore} passed before, after: " + string.Join(", ", totals.Select(t => $"{t.Value} {t.Key}")));
        Assert.True(passedBefore >= 700, $"only {passedBefore} cases ran on the executor: is the suite installed whole?");
        Assert.True(changed >= 50, $"preprocessing changed only {changed} cases");
        Assert.True(failures.Count == 0, string.Join('\n', failures));
    }
}

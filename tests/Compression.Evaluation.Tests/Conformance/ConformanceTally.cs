using Compression.Testing.Conformance;
using Compression.Evaluation.Execution;
using Xunit.Abstractions;

namespace Compression.Evaluation.Tests.Conformance;

/// <summary>
/// Runs a set of conformance cases, counts outcomes per operator, prints the totals and fails on any supported case
/// that does not pass (unless it is a known exception with a written reason).
/// </summary>
public static class ConformanceTally
{
    public static void RunAll(string title, IReadOnlyList<BackendCase> cases, IReadOnlyDictionary<string, string> knownExceptions,
        ITestOutputHelper output, bool requireEveryCaseSupported = false)
    {
        var perOperator = new SortedDictionary<string, int[]>(StringComparer.Ordinal);
        var failures = new List<string>();
        var unsupported = new List<string>();
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
            if (outcome == CaseOutcome.Failed && !knownExceptions.ContainsKey(c.Name))
                failures.Add($"{c.Group}/{c.Name}: {detail}");
            if (outcome == CaseOutcome.Unsupported) unsupported.Add($"{c.Name}: {detail}");
        }

        output.WriteLine($"{title}: {totals[CaseOutcome.Passed]} passed, {totals[CaseOutcome.Failed]} failed, " +
            $"{totals[CaseOutcome.Unsupported]} unsupported of {cases.Count}; operators covered: {passedOps.Count}");
        foreach (var (op, counts) in perOperator.Where(p => p.Value[0] + p.Value[1] > 0))
            output.WriteLine($"  {op,-28} passed {counts[0],4}  failed {counts[1],4}  unsupported {counts[2],4}");
        // Why cases were unsupported: the first line of each reason, counted (operators without a kernel, sequence types).
        foreach (var (reason, count) in unsupported.Select(u => u[(u.IndexOf(": ", StringComparison.Ordinal) + 2)..])
                     .Select(r => r.Length > 110 ? r[..110] : r).GroupBy(r => r).OrderByDescending(g => g.Count()).Select(g => (g.Key, g.Count())))
            output.WriteLine($"  unsupported {count,4}: {reason}");

        Assert.True(failures.Count == 0, $"{failures.Count} supported cases failed:\n{string.Join('\n', failures.Take(40))}");
        if (requireEveryCaseSupported)
            Assert.True(unsupported.Count == 0, $"{unsupported.Count} cases are unsupported:\n{string.Join('\n', unsupported.Take(40))}");

        // Every operator with a kernel is proven by at least one case of the set (where the set has one).
        var registered = KernelRegistry.Default.Registered.Select(r => r.Op).Distinct(StringComparer.Ordinal);
        var unproven = registered.Where(op => perOperator.ContainsKey(op) && !passedOps.Contains(op)).ToList();
        Assert.True(unproven.Count == 0, $"operators with kernels but no passing case: {string.Join(", ", unproven)}");
    }
}

namespace Compression.Onnx.Checking;

/// <summary>What <see cref="ModelChecker.Check"/> found: every issue, in the order the model was walked.</summary>
public sealed class CheckResult
{
    internal CheckResult(IReadOnlyList<CheckIssue> issues) => Issues = issues;

    /// <summary>Every deviation from the format, errors and repairable ones alike (what ONNX's own checker reports).</summary>
    public IReadOnlyList<CheckIssue> Issues { get; }

    /// <summary>The issues that make the model unusable: what ONNX Runtime would refuse.</summary>
    public IReadOnlyList<CheckIssue> Errors => Issues.Where(i => !i.IsRepairable).ToList();

    /// <summary>The deviations ONNX Runtime accepts and the engine repairs on load (<see cref="CheckRules.Repairable"/>).</summary>
    public IReadOnlyList<CheckIssue> Repairable => Issues.Where(i => i.IsRepairable).ToList();

    /// <summary>No issue at all: the model is valid by the format's letter.</summary>
    public bool IsValid => Issues.Count == 0;

    /// <summary>No error: the model may deviate, but only in ways that are repaired.</summary>
    public bool IsUsable => Issues.All(i => i.IsRepairable);

    /// <summary>Whether some issue came from <paramref name="rule"/>; tests and callers that tolerate a rule use it.</summary>
    public bool Has(string rule) => Issues.Any(i => i.Rule == rule);

    public override string ToString() =>
        IsValid ? "valid" : string.Join(Environment.NewLine, Issues.Select(i => i.ToString()));
}

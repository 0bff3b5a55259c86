namespace Compression.Onnx.Checking;

/// <summary>What <see cref="ModelChecker.Check"/> found: every issue, in the order the model was walked.</summary>
public sealed class CheckResult
{
    internal CheckResult(IReadOnlyList<CheckIssue> issues) => Issues = issues;

    public IReadOnlyList<CheckIssue> Issues { get; }

    public bool IsValid => Issues.Count == 0;

    /// <summary>Whether some issue came from <paramref name="rule"/>; tests and callers that tolerate a rule use it.</summary>
    public bool Has(string rule) => Issues.Any(i => i.Rule == rule);

    public override string ToString() =>
        IsValid ? "valid" : string.Join(Environment.NewLine, Issues.Select(i => i.ToString()));
}

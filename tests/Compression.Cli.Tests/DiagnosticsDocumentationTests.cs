using System.Reflection;
using System.Text.RegularExpressions;
using Compression.Testing;

namespace Compression.Cli.Tests;

/// <summary>Every diagnostic code the code base defines is explained in docs/diagnostics.md, and no code is defined twice.</summary>
public partial class DiagnosticsDocumentationTests
{
    [Fact]
    public void Every_defined_code_is_documented_and_unique()
    {
        var holders = new[]
        {
            typeof(Compression.Onnx.Diagnostics.ErrorCodes),
            typeof(Compression.Evaluation.EvaluationErrorCodes),
            typeof(Compression.Engine.EngineErrorCodes),
        };
        var codes = holders.SelectMany(t => t.GetFields(BindingFlags.Public | BindingFlags.Static))
            .Where(f => f.IsLiteral).Select(f => (string)f.GetValue(null)!).ToList();
        Assert.True(codes.Count > 20);
        Assert.Equal(codes.Count, codes.Distinct().Count());

        var documented = CodeRow().Matches(File.ReadAllText(Path.Combine(TestAssets.RepoRoot, "docs", "diagnostics.md")))
            .Select(m => m.Groups[1].Value).ToHashSet();
        var missing = codes.Where(c => !documented.Contains(c)).ToList();
        Assert.True(missing.Count == 0, $"undocumented codes: {string.Join(", ", missing)}");
    }

    [GeneratedRegex(@"^\| (MCB\d{4}) \|", RegexOptions.Multiline)]
    private static partial Regex CodeRow();
}

using System.Reflection;
using System.Text.RegularExpressions;
using Compression.Build.Diagnostics;
using Compression.Testing;

namespace Compression.Build.Tests;

/// <summary>Every code the MSBuild side defines is in docs/diagnostics.md, in the build's own range, and unique.</summary>
public partial class BuildErrorCodesDocumentationTests
{
    [Fact]
    public void Every_build_code_is_documented_unique_and_in_the_MCB3xxx_range()
    {
        var codes = typeof(BuildErrorCodes).GetFields(BindingFlags.Public | BindingFlags.Static)
            .Where(f => f.IsLiteral).Select(f => (string)f.GetValue(null)!).ToList();
        Assert.True(codes.Count >= 10);
        Assert.Equal(codes.Count, codes.Distinct().Count());
        Assert.All(codes, c => Assert.Matches("^MCB3\\d{3}$", c));
        var documented = CodeRow().Matches(File.ReadAllText(Path.Combine(TestAssets.RepoRoot, "docs", "diagnostics.md")))
            .Select(m => m.Groups[1].Value).ToHashSet();
        Assert.All(codes, c => Assert.Contains(c, documented));
    }

    [GeneratedRegex(@"^\| (MCB\d{4}) \|", RegexOptions.Multiline)]
    private static partial Regex CodeRow();
}

using System.Text.Json;
using Compression.Testing;

namespace Compression.Cli.Tests;

/// <summary>`modelc report`: per-model responses in, one build report out; a bad response is a coded error, not a crash.</summary>
public class ReportCommandTests
{
    private const string First = """
        {"models":[{"itemSpec":"a.onnx","outputPath":"/o/a.onnx","cacheHit":false,"result":{"model":"/src/a.onnx","output":"/o/a.onnx","profile":"portable","recipe":"int8-weight","passes":[],"originalBytes":4000,"compressedBytes":1000,"plan":["1. int8-weight: int8 weights per channel"],"sha256":"aa","macs":12,"weightBytesRead":1000,"compressionMilliseconds":5}}],"diagnostics":[]}
        """;
    private const string Second = """
        {"models":[{"itemSpec":"Models/b.onnx","outputPath":"/o/b.onnx","cacheHit":true,"result":{"model":"/src/b.onnx","output":"/o/b.onnx","profile":"gpu","recipe":"fp16","passes":[],"originalBytes":800,"compressedBytes":400,"sha256":"bb"}}],"diagnostics":[{"severity":"warning","code":"MCB2101","file":"/src/b.onnx","message":"fidelity not measured"}]}
        """;

    [Fact]
    public void Responses_merge_into_one_report_in_the_order_given()
    {
        using var temp = new TempFolder("report");
        File.WriteAllText(temp.Combine("a.json"), First);
        File.WriteAllText(temp.Combine("b.json"), Second);
        var output = temp.Combine("out");

        var (exit, _, stderr) = ModelcRunner.Run("report", "--project", "/src/App/App.csproj", "--rid", "linux-x64", "--out", output, temp.Combine("a.json"), temp.Combine("b.json"));
        Assert.True(exit == 0, stderr);

        using var json = JsonDocument.Parse(File.ReadAllText(Path.Combine(output, "compression-report.json")));
        Assert.Equal(["a.onnx", "Models/b.onnx"], json.RootElement.GetProperty("models").EnumerateArray().Select(m => m.GetProperty("itemSpec").GetString()));
        Assert.Equal("MCB2101", json.RootElement.GetProperty("diagnostics")[0].GetProperty("code").GetString());
        var markdown = File.ReadAllText(Path.Combine(output, "compression-report.md"));
        Assert.Contains("# Model compression: App.csproj (linux-x64)", markdown);
        Assert.Contains("| a.onnx | portable | int8-weight | 4,000 | 1,000 | 4.00x |", markdown);
        Assert.Contains("| Models/b.onnx | gpu | fp16 | 800 | 400 | 2.00x |", markdown);
        Assert.Contains("warning MCB2101: /src/b.onnx: fidelity not measured", markdown);
        Assert.Contains("1. int8-weight: int8 weights per channel", markdown);
    }

    [Theory]
    [InlineData("{ not json")]
    [InlineData("")]
    [InlineData("""{"models":[{"itemSpec":"a.onnx","outputPath":"/o/a.onnx","cacheHit":false}],"diagnostics":[]}""")]
    public void An_unreadable_response_is_MCB0002_with_its_file_and_writes_no_report(string text)
    {
        using var temp = new TempFolder("report-bad");
        var bad = temp.Combine("bad.json");
        File.WriteAllText(bad, text);
        var output = temp.Combine("out");

        var (exit, _, stderr) = ModelcRunner.Run("report", "--project", "App.csproj", "--out", output, bad);
        Assert.Equal(2, exit);
        Assert.StartsWith($"{bad}: error MCB0002: ", Assert.Single(stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries)));
        Assert.False(Directory.Exists(output));
    }

    [Fact]
    public void A_missing_response_is_MCB0002()
    {
        using var temp = new TempFolder("report-missing");
        var (exit, _, stderr) = ModelcRunner.Run("report", "--project", "App.csproj", "--out", temp.Combine("out"), temp.Combine("nope.json"));
        Assert.Equal(2, exit);
        Assert.Contains("MCB0002", stderr);
    }
}

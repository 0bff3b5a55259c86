using System.Diagnostics;
using Compression.Testing;

namespace Compression.Cli.Tests;

/// <summary>Bad input to modelc: exit code 2, exactly one line on stderr with a code and the file, no stack trace.</summary>
public class BadInputTests
{
    public static TheoryData<string, string> BadModels() => new()
    {
        { "missing", "MCB1001" },
        { "empty", "MCB1002" },
        { "truncated", "MCB1003" },
        { "png", "MCB1003" },
        { "short-raw-data", "MCB1101" },
        { "external-escape", "MCB1006" },
    };

    [Theory]
    [MemberData(nameof(BadModels))]
    public void Bad_models_give_exit_code_2_and_one_coded_line(string kind, string code)
    {
        using var temp = new TempFolder();
        var path = BadModelFactory.Create(kind, temp.Path);
        foreach (var args in new[] { new[] { "inspect", path }, ["compress", path, "-o", Path.Combine(temp.Path, "o.onnx")] })
        {
            var (exit, stdout, stderr) = ModelcRunner.Run(args);
            Assert.Equal(2, exit);
            var line = Assert.Single(stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries));
            Assert.StartsWith($"{path}: error {code}: ", line);
            Assert.DoesNotContain(" at ", line);
            Assert.Equal("", stdout);
            Assert.False(File.Exists(Path.Combine(temp.Path, "o.onnx")));
        }
    }

    [Fact]
    public void Usage_errors_are_exit_code_2()
    {
        var (exit, _, stderr) = ModelcRunner.Run("compress", "model.onnx");
        Assert.Equal(2, exit);
        Assert.Single(stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries));
    }

    [Fact]
    public void The_real_modelc_process_exits_2_on_a_corrupt_model()
    {
        using var temp = new TempFolder();
        var path = BadModelFactory.Create("truncated", temp.Path);
        var modelc = Path.Combine(AppContext.BaseDirectory, "modelc.dll");
        var psi = new ProcessStartInfo("dotnet") { RedirectStandardError = true, RedirectStandardOutput = true };
        psi.ArgumentList.Add(modelc);
        psi.ArgumentList.Add("inspect");
        psi.ArgumentList.Add(path);
        using var process = Process.Start(psi)!;
        var stderr = process.StandardError.ReadToEnd();
        process.WaitForExit();
        Assert.Equal(2, process.ExitCode);
        Assert.Contains("MCB1003", stderr);
        Assert.DoesNotContain("Exception", stderr);
    }
}

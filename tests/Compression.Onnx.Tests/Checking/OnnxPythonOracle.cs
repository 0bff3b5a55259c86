using System.Diagnostics;

namespace Compression.Onnx.Tests.Checking;

/// <summary>
/// Runs the scripts beside these tests with Debian's python3-onnx 1.12, the reference our checker is compared with.
/// /usr/bin/python3 is named on purpose: another python3 on PATH has no onnx module.
/// </summary>
internal static class OnnxPythonOracle
{
    public const string Python = "/usr/bin/python3";
    public const string BackendData = "/usr/share/libonnx-testdata/data";

    public static string Script(string name) => Path.Combine(AppContext.BaseDirectory, "Checking", name);

    /// <summary>Runs a script and returns its stdout lines; a failing script fails the test with its stderr.</summary>
    public static IReadOnlyList<string> Run(string script, IEnumerable<string> arguments, string? stdin = null)
    {
        Assert.True(File.Exists(Python), $"{Python} is missing: install Debian's python3-onnx (build/test-assets.sh).");
        var start = new ProcessStartInfo(Python)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(Script(script));
        foreach (var a in arguments) start.ArgumentList.Add(a);
        using var process = Process.Start(start)!;
        var stderr = process.StandardError.ReadToEndAsync();
        var stdout = process.StandardOutput.ReadToEndAsync();
        if (stdin is not null) process.StandardInput.Write(stdin);
        process.StandardInput.Close();
        Assert.True(process.WaitForExit(TimeSpan.FromMinutes(5)), $"{script} did not finish in 5 minutes.");
        Assert.True(process.ExitCode == 0, $"{script} failed ({process.ExitCode}): {stderr.Result}");
        return stdout.Result.Split('\n', StringSplitOptions.RemoveEmptyEntries);
    }
}

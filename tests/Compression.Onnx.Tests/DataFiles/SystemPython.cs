using System.Diagnostics;

namespace Compression.Onnx.Tests.DataFiles;

/// <summary>
/// Runs Debian's /usr/bin/python3, the interpreter that has numpy 1.24 and onnx 1.12 (the python3 first on PATH may be
/// another one without them). These are the oracles: the files and numbers they produce were not made by our code.
/// </summary>
internal static class SystemPython
{
    public const string Executable = "/usr/bin/python3";

    /// <summary>Runs a script with arguments and returns its standard output; a non-zero exit fails the test with stderr.</summary>
    public static string Run(string script, params string[] args)
    {
        // -I keeps the working folder and PYTHON* variables out of sys.path, so no stray file can shadow numpy.
        var start = new ProcessStartInfo(Executable)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            StandardOutputEncoding = System.Text.Encoding.UTF8,
        };
        start.ArgumentList.Add("-I");
        // UTF-8 whatever the locale: file contents and outputs include non-ASCII strings.
        start.ArgumentList.Add("-X");
        start.ArgumentList.Add("utf8");
        start.ArgumentList.Add("-c");
        start.ArgumentList.Add(script);
        foreach (var arg in args) start.ArgumentList.Add(arg);
        using var process = Process.Start(start) ?? throw new InvalidOperationException("python did not start");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        process.WaitForExit();
        Assert.True(process.ExitCode == 0, $"{Executable} exited with {process.ExitCode}:\n{stderr.Result}");
        return stdout.Result;
    }

    public static string[] Lines(string output) =>
        output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
}

namespace Compression.Testing;

/// <summary>
/// Runs Debian's /usr/bin/python3, which has onnx 1.12 and numpy (the python3 on PATH may be another interpreter
/// without them). Used as an oracle (ONNX's checker and shape inference) and to produce .npy inputs.
/// </summary>
public static class Python
{
    public const string Interpreter = "/usr/bin/python3";

    public static TimeSpan DefaultTimeout { get; } = TimeSpan.FromMinutes(2);

    /// <summary>
    /// Runs <paramref name="script"/> with <paramref name="arguments"/> in sys.argv[1:] and returns its stdout.
    /// Throws with the script's stderr when it exits non-zero.
    /// </summary>
    public static Task<string> RunAsync(string script, params string[] arguments) =>
        RunAsync(script, DefaultTimeout, arguments);

    /// <inheritdoc cref="RunAsync(string, string[])"/>
    public static async Task<string> RunAsync(string script, TimeSpan timeout, params string[] arguments)
    {
        ArgumentNullException.ThrowIfNull(script);
        ArgumentNullException.ThrowIfNull(arguments);
        TestAssets.Require(Interpreter);
        var result = await ProcessRunner.RunAsync(
            Interpreter,
            ["-c", script, .. arguments],
            timeout,
            // Unbuffered and UTF-8 whatever the machine's locale, so output is complete and decodes the same everywhere.
            new Dictionary<string, string?> { ["PYTHONUNBUFFERED"] = "1", ["PYTHONIOENCODING"] = "utf-8" }).ConfigureAwait(false);
        if (result.ExitCode != 0)
        {
            throw new InvalidOperationException(
                $"{Interpreter} exited with code {result.ExitCode}: {result.StandardError.Trim()}");
        }
        return result.StandardOutput;
    }
}

namespace Compression.Cli.Tests;

/// <summary>Runs modelc in-process with captured output, as a user's shell would see it.</summary>
internal static class ModelcRunner
{
    public static (int ExitCode, string Stdout, string Stderr) Run(params string[] args)
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        var code = CommandLine.Run(args, stdout, stderr);
        return (code, stdout.ToString(), stderr.ToString());
    }
}

namespace Compression.Cli;

/// <summary>The modelc commands (filled in by the foundation work).</summary>
public static class CommandLine
{
    public static int Run(string[] args, TextWriter stdout, TextWriter stderr)
    {
        stderr.WriteLine("modelc: no commands yet");
        return 2;
    }
}

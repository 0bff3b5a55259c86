using System.CommandLine;
using Compression.Cli.Commands;
using Compression.Onnx.Diagnostics;

namespace Compression.Cli;

/// <summary>
/// The modelc command tree and the one place that turns failures into exit codes: a <see cref="CompressionException"/>
/// (bad input) becomes one line on stderr and exit 2, anything unexpected exit 3 — never a stack trace, unless
/// MODELC_DEBUG=1 asks for it.
/// </summary>
public static class CommandLine
{
    public static int Run(string[] args, TextWriter stdout, TextWriter stderr)
    {
        var root = new RootCommand("modelc: compress ONNX models for the devices that run them.")
        {
            InspectCommand.Create(stdout),
            CompressCommand.Create(stdout, stderr),
            RunCommand.Create(stdout),
            ProfilesCommand.Create(stdout),
            BuildCommand.Create(),
            ReportCommand.Create(),
        };
        var parse = root.Parse(args);
        if (parse.Errors.Count > 0)
        {
            stderr.WriteLine($"modelc: error MCB0001: {parse.Errors[0].Message}");
            return ExitCodes.BadInput;
        }
        try
        {
            return parse.Invoke(new InvocationConfiguration { Output = stdout, Error = stderr, EnableDefaultExceptionHandler = false });
        }
        catch (Compression.Engine.Budget.BudgetExceededException e)
        {
            // Not bad input: the model compressed, but no fallback met the user's accuracy budget.
            stderr.WriteLine(e.ToDiagnosticLine());
            return ExitCodes.BudgetExceeded;
        }
        catch (CompressionException e)
        {
            stderr.WriteLine(e.ToDiagnosticLine());
            if (Debugging) stderr.WriteLine(e);
            return ExitCodes.BadInput;
        }
        catch (Exception e)
        {
            stderr.WriteLine($"error MCB9000: internal error: {e.GetType().Name}: {e.Message}");
            if (Debugging) stderr.WriteLine(e);
            return ExitCodes.InternalError;
        }
    }

    private static bool Debugging => Environment.GetEnvironmentVariable("MODELC_DEBUG") == "1";
}

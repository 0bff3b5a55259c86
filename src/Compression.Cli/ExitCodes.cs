namespace Compression.Cli;

/// <summary>modelc's exit codes, a contract with the MSBuild task and with scripts.</summary>
public static class ExitCodes
{
    public const int Done = 0;
    public const int BudgetExceeded = 1;
    public const int BadInput = 2;
    public const int InternalError = 3;
}

namespace Compression.Evaluation;

/// <summary>Diagnostic codes of the executor (14xx). Listed with the others in docs/diagnostics.md.</summary>
public static class EvaluationErrorCodes
{
    public const string NodeFailed = "MCB1401";
    public const string OperatorUnsupported = "MCB1402";
    public const string InputMissing = "MCB1403";
    public const string InputMismatch = "MCB1404";
}

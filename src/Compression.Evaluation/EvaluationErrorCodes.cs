namespace Compression.Evaluation;

/// <summary>Diagnostic codes of the executor (14xx). Listed with the others in docs/diagnostics.md.</summary>
public static class EvaluationErrorCodes
{
    public const string NodeFailed = "MCB1401";
    public const string OperatorUnsupported = "MCB1402";
    public const string InputMissing = "MCB1403";
    public const string InputMismatch = "MCB1404";

    /// <summary>The inputs (data-set) folder does not exist.</summary>
    public const string DataSetFolderMissing = "MCB1405";

    /// <summary>A tensor file in an inputs folder matches no model input (an <c>input_&lt;i&gt;</c> past the last input, an unknown name).</summary>
    public const string DataSetFileUnmatched = "MCB1406";

    /// <summary>Two files in an inputs folder give the same input (<c>x.npy</c> and <c>x.pb</c>, or a name and a position).</summary>
    public const string DataSetFileAmbiguous = "MCB1407";

    /// <summary>An output file could not be written (no permission, disk full, a file where the folder should be).</summary>
    public const string OutputWriteFailed = "MCB1408";
}

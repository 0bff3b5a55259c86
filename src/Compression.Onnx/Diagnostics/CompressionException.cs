namespace Compression.Onnx.Diagnostics;

/// <summary>
/// The one exception type the project throws for a problem with its input: it carries a stable code (MCB####, listed in
/// docs/diagnostics.md) and the file the problem is about, so the CLI can print one line and the MSBuild task can log
/// an error that points at the right file. Anything else that escapes is an internal error.
/// </summary>
public class CompressionException : Exception
{
    public CompressionException(string code, string message, string? filePath = null, Exception? inner = null)
        : base(message, inner)
    {
        Code = code;
        FilePath = filePath;
    }

    /// <summary>The diagnostic code, e.g. <c>MCB1003</c>.</summary>
    public string Code { get; }

    /// <summary>The file the problem concerns, when there is one.</summary>
    public string? FilePath { get; }

    /// <summary>One line for a person: <c>file: error CODE: message</c>, as compilers print it.</summary>
    public string ToDiagnosticLine() =>
        FilePath is null ? $"error {Code}: {Message}" : $"{FilePath}: error {Code}: {Message}";
}

using System;
using Microsoft.Build.Utilities;

namespace Compression.Build.Diagnostics;

/// <summary>The one place diagnostics become MSBuild errors and warnings: always with a code and a file, never a stack trace.</summary>
internal static class TaskDiagnostics
{
    /// <summary>
    /// Runs a task's body and is the one place its <see cref="ModelCompressionException"/> is logged, with its code
    /// and file (dotnet/sdk's TaskBase does the same). Every other exception is a bug and goes to MSBuild, which
    /// reports it with its stack (MSB4018). The result is what a task's Execute returns: no error was logged.
    /// </summary>
    public static bool Run(TaskLoggingHelper log, Action body)
    {
        try
        {
            body();
        }
        catch (ModelCompressionException exception)
        {
            Log(log, exception);
        }
        return !log.HasLoggedErrors;
    }

    private static void Log(TaskLoggingHelper log, ModelCompressionException exception) =>
        Error(log, exception.Code, exception.File, exception.Message);

    public static void Error(TaskLoggingHelper log, string code, string file, string message) =>
        log.LogError(subcategory: null, errorCode: code, helpKeyword: null, file: file,
            lineNumber: 0, columnNumber: 0, endLineNumber: 0, endColumnNumber: 0, message: message);

    public static void Warning(TaskLoggingHelper log, string code, string file, string message) =>
        log.LogWarning(subcategory: null, warningCode: code, helpKeyword: null, file: file,
            lineNumber: 0, columnNumber: 0, endLineNumber: 0, endColumnNumber: 0, message: message);
}

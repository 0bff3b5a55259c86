using System;

namespace Compression.Build.Diagnostics;

/// <summary>
/// A failure a task reports as one MSBuild error: a code and the file it concerns. Task bodies throw it and
/// <see cref="TaskDiagnostics.Log"/> turns it into the error, so every failure path logs the same way and exactly once
/// (the pattern of dotnet/sdk's TaskBase).
/// </summary>
public sealed class ModelCompressionException : Exception
{
    public ModelCompressionException(string code, string file, string message)
        : base(message)
    {
        Code = code;
        File = file;
    }

    public string Code { get; }

    /// <summary>The model, or the project when the problem is not about one model.</summary>
    public string File { get; }
}

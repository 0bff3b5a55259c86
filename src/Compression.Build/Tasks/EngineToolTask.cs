using System;
using System.Collections.Generic;
using System.Linq;
using System.Runtime.InteropServices;
using Compression.Build.Diagnostics;
using Compression.Build.Parsing;
using Microsoft.Build.Framework;
using Microsoft.Build.Utilities;

namespace Compression.Build.Tasks;

/// <summary>
/// A task that runs one engine command (<c>dotnet modelc.dll ...</c>) out of process on the dotnet host that runs the
/// build: finds the engine and the host, turns the engine's one-line coded errors into MSBuild errors (never MSB6006,
/// never a stack trace), and stops the engine's process tree on Ctrl+C without reporting an error.
/// </summary>
public abstract class EngineToolTask : ToolTask
{
    private readonly List<string> _toolOutput = new List<string>();
    private string _hostPath = "";
    private string _enginePath = "";
    private volatile bool _cancelled;

    [Required] public string ProjectFile { get; set; } = "";
    /// <summary>$(ModelCompressionEnginePath); wins over MODELC_ENGINE_PATH and the packaged engine.</summary>
    public string EnginePath { get; set; } = "";
    /// <summary>The modelc.dll inside the package.</summary>
    public string PackagedEnginePath { get; set; } = "";
    /// <summary>$(DOTNET_HOST_PATH), passed by the targets (empty in some hosts: then dotnet on PATH).</summary>
    public string DotnetHostPath { get; set; } = "";

    protected bool Cancelled => _cancelled;

    protected override string ToolName => RuntimeInformation.IsOSPlatform(OSPlatform.Windows) ? "dotnet.exe" : "dotnet";

    // The engine's progress and errors are read by this task, not echoed as build output.
    protected override MessageImportance StandardOutputLoggingImportance => MessageImportance.Low;
    protected override MessageImportance StandardErrorLoggingImportance => MessageImportance.Low;

    /// <summary>
    /// ToolTask's own Execute runs the process, so this task cannot derive from <see cref="ModelCompressionTask"/>;
    /// it wraps that Execute in the same <see cref="TaskDiagnostics.Run"/>, so coded failures are logged in one place
    /// for both kinds of task. Sealed: the engine tasks say what differs through the hooks below.
    /// </summary>
    public sealed override bool Execute() => TaskDiagnostics.Run(Log, ExecuteCore) && !_cancelled;

    private void ExecuteCore()
    {
        LocateEngine();
        BeforeEngine();
        var ran = base.Execute();
        if (_cancelled) return;
        if (!ran || ExitCode != 0)
        {
            // HandleTaskExecutionErrors has logged the engine's own errors; a start failure was logged by ToolTask.
            if (!Log.HasLoggedErrors) TaskDiagnostics.Error(Log, BuildErrorCodes.EngineFailed, ProjectFile, "modelc failed without a message.");
            return;
        }
        AfterEngine();
    }

    /// <summary>Ctrl+C: ToolTask kills the engine's whole process tree; nothing is reported as an error.</summary>
    public override void Cancel()
    {
        _cancelled = true;
        base.Cancel();
    }

    /// <summary>Prepares the engine's input files; may throw <see cref="ModelCompressionException"/>.</summary>
    protected virtual void BeforeEngine() { }

    /// <summary>Reads what the engine wrote after it exited with 0; may throw <see cref="ModelCompressionException"/>.</summary>
    protected virtual void AfterEngine() { }

    /// <summary>The engine command and its arguments (after the engine's path).</summary>
    protected abstract void AppendEngineArguments(CommandLineBuilder builder);

    protected override string GenerateFullPathToTool() => _hostPath;

    protected override string GenerateCommandLineCommands()
    {
        var builder = new CommandLineBuilder();
        builder.AppendFileNameIfNotNull(_enginePath);
        AppendEngineArguments(builder);
        return builder.ToString();
    }

    protected override void LogEventsFromTextOutput(string singleLine, MessageImportance messageImportance)
    {
        lock (_toolOutput) _toolOutput.Add(singleLine);
        Log.LogMessage(MessageImportance.Low, "modelc: {0}", singleLine);
    }

    /// <summary>
    /// The engine exited with 2 or 3 (it writes its output otherwise). Its one-line errors become MSBuild errors with
    /// their codes; anything else becomes MCB3003 with the engine's last lines.
    /// </summary>
    protected override bool HandleTaskExecutionErrors()
    {
        if (_cancelled) return false;
        string[] lines;
        lock (_toolOutput) lines = _toolOutput.ToArray();
        var reported = false;
        foreach (var line in lines)
        {
            if (!EngineErrorLine.TryParse(line, out var file, out var code, out var message)) continue;
            TaskDiagnostics.Error(Log, code, IsFile(file) ? file : ProjectFile, message);
            reported = true;
        }
        if (!reported)
        {
            var tail = string.Join(" ", lines.Where(l => l.Trim().Length > 0 && !l.StartsWith("   at ", StringComparison.Ordinal)).Reverse().Take(3).Reverse());
            TaskDiagnostics.Error(Log, BuildErrorCodes.EngineFailed, ProjectFile,
                $"modelc exited with code {ExitCode} without a response. {tail}".Trim());
        }
        return false;
    }

    private void LocateEngine()
    {
        _enginePath = EngineLocator.ChooseEnginePath(EnginePath, Environment.GetEnvironmentVariable(EngineLocator.EnginePathVariable), PackagedEnginePath);
        if (!System.IO.File.Exists(_enginePath))
        {
            throw new ModelCompressionException(BuildErrorCodes.EngineNotFound, _enginePath,
                "the compression engine (modelc.dll) is not there. Check ModelCompressionEnginePath and MODELC_ENGINE_PATH, or restore the Compression.Build package.");
        }
        var host = EngineLocator.FindHost(DotnetHostPath.Length > 0 ? DotnetHostPath : Environment.GetEnvironmentVariable(EngineLocator.HostPathVariable),
            Environment.GetEnvironmentVariable("PATH"), RuntimeInformation.IsOSPlatform(OSPlatform.Windows), System.IO.File.Exists);
        _hostPath = host ?? throw new ModelCompressionException(BuildErrorCodes.HostNotFound, ProjectFile,
            "no dotnet host to run the compression engine: DOTNET_HOST_PATH is empty and no dotnet is on PATH.");
    }

    // modelc's usage errors name the program ("modelc: error MCB0001: ..."), not a file.
    private static bool IsFile(string file) => file.Length > 0 && file != "modelc";
}

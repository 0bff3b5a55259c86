using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Runtime.InteropServices;
using System.Text;
using Compression.Build.Diagnostics;
using Compression.Build.Parsing;
using Compression.Build.Protocol;
using Microsoft.Build.Framework;
using Microsoft.Build.Utilities;

namespace Compression.Build.Tasks;

/// <summary>
/// Runs the engine (<c>modelc build</c>) out of process on the dotnet host for the given models, then reports its
/// diagnostics as MSBuild errors and warnings and returns the compressed files (docs/build-protocol.md). Only the
/// ToolTask hooks it needs are overridden: the tool path, the command line, the tool's output, and its failure.
/// </summary>
public sealed class CompressModels : ToolTask
{
    private readonly List<string> _toolOutput = new List<string>();
    private string _hostPath = "";
    private string _enginePath = "";
    private volatile bool _cancelled;

    /// <summary>Resolved ModelCompression items (see <see cref="ResolveModelCompressionItems"/>); all share one output folder.</summary>
    [Required] public ITaskItem[] Models { get; set; } = Array.Empty<ITaskItem>();

    public ITaskItem[] Profiles { get; set; } = Array.Empty<ITaskItem>();

    [Required] public string ProjectFile { get; set; } = "";
    [Required] public string OutputDirectory { get; set; } = "";
    [Required] public string RequestFile { get; set; } = "";
    [Required] public string ResponseFile { get; set; } = "";
    public string ReportDirectory { get; set; } = "";
    public string RuntimeIdentifier { get; set; } = "";
    public string RuntimeIdentifierGraphPath { get; set; } = "";
    /// <summary>$(ModelCompressionProfile): overrides the RID map for every model.</summary>
    public string Profile { get; set; } = "";
    public string CacheDirectory { get; set; } = "";
    public string MaxCacheBytes { get; set; } = "";
    /// <summary>$(ModelCompressionEnginePath); wins over MODELC_ENGINE_PATH and the packaged engine.</summary>
    public string EnginePath { get; set; } = "";
    /// <summary>The modelc.dll inside the package.</summary>
    public string PackagedEnginePath { get; set; } = "";
    /// <summary>$(DOTNET_HOST_PATH), passed by the targets (empty in some hosts: then dotnet on PATH).</summary>
    public string DotnetHostPath { get; set; } = "";

    [Output] public ITaskItem[] CompressedModels { get; private set; } = Array.Empty<ITaskItem>();

    protected override string ToolName => RuntimeInformation.IsOSPlatform(OSPlatform.Windows) ? "dotnet.exe" : "dotnet";

    // The engine's progress and errors are read by this task, not echoed as build output.
    protected override MessageImportance StandardOutputLoggingImportance => MessageImportance.Low;
    protected override MessageImportance StandardErrorLoggingImportance => MessageImportance.Low;

    public override bool Execute()
    {
        try
        {
            Prepare();
            var ran = base.Execute();
            if (_cancelled) return false;
            if (!ran || ExitCode != 0)
            {
                // HandleTaskExecutionErrors has logged the engine's own errors; a start failure was logged by ToolTask.
                if (!Log.HasLoggedErrors) TaskDiagnostics.Error(Log, BuildErrorCodes.EngineFailed, ProjectFile, "modelc failed without a message.");
                return false;
            }
            Collect();
        }
        catch (ModelCompressionException e)
        {
            TaskDiagnostics.Log(Log, e);
        }
        return !Log.HasLoggedErrors;
    }

    /// <summary>Ctrl+C: ToolTask kills the engine's whole process tree; nothing is reported as an error.</summary>
    public override void Cancel()
    {
        _cancelled = true;
        base.Cancel();
    }

    protected override string GenerateFullPathToTool() => _hostPath;

    protected override string GenerateCommandLineCommands()
    {
        var builder = new CommandLineBuilder();
        builder.AppendFileNameIfNotNull(_enginePath);
        builder.AppendSwitch("build");
        builder.AppendSwitchIfNotNull("--request ", RequestFile);
        builder.AppendSwitchIfNotNull("--response ", ResponseFile);
        return builder.ToString();
    }

    protected override void LogEventsFromTextOutput(string singleLine, MessageImportance messageImportance)
    {
        lock (_toolOutput) _toolOutput.Add(singleLine);
        Log.LogMessage(MessageImportance.Low, "modelc: {0}", singleLine);
    }

    /// <summary>
    /// The engine exited with 2 or 3 (it writes a response otherwise). Its one-line errors become MSBuild errors with
    /// their codes; anything else becomes MCB3003 with the engine's last lines. Never MSB6006, never a stack trace.
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

    private void Prepare()
    {
        _enginePath = EngineLocator.ChooseEnginePath(EnginePath, Environment.GetEnvironmentVariable(EngineLocator.EnginePathVariable), PackagedEnginePath);
        if (!File.Exists(_enginePath))
        {
            throw new ModelCompressionException(BuildErrorCodes.EngineNotFound, _enginePath,
                "the compression engine (modelc.dll) is not there. Check ModelCompressionEnginePath and MODELC_ENGINE_PATH, or restore the Compression.Build package.");
        }
        var host = EngineLocator.FindHost(DotnetHostPath.Length > 0 ? DotnetHostPath : Environment.GetEnvironmentVariable(EngineLocator.HostPathVariable),
            Environment.GetEnvironmentVariable("PATH"), RuntimeInformation.IsOSPlatform(OSPlatform.Windows), File.Exists);
        _hostPath = host ?? throw new ModelCompressionException(BuildErrorCodes.HostNotFound, ProjectFile,
            "no dotnet host to run the compression engine: DOTNET_HOST_PATH is empty and no dotnet is on PATH.");

        long maxCacheBytes = 0;
        if (MaxCacheBytes.Trim().Length > 0 && !ByteSize.TryParse(MaxCacheBytes, out maxCacheBytes))
        {
            throw new ModelCompressionException(BuildErrorCodes.BadProperty, ProjectFile,
                $"ModelCompressionMaxCacheBytes='{MaxCacheBytes}' is not a size; use bytes or a number with KB, MB or GB.");
        }
        var request = RequestBuilder.Build(this, maxCacheBytes);

        try
        {
            Directory.CreateDirectory(OutputDirectory);
            // A model that fails this time must not leave last time's output behind to be embedded.
            foreach (var model in Models) DeleteIfPresent(model.GetMetadata(ModelMetadataNames.OutputPath));
            DeleteIfPresent(ResponseFile);
            File.WriteAllText(RequestFile, EngineRequestWriter.Write(request), new UTF8Encoding(false));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new ModelCompressionException(BuildErrorCodes.WriteFailed, RequestFile, $"cannot write the compression request: {e.Message}");
        }
    }

    private void Collect()
    {
        EngineResponse response;
        try
        {
            response = EngineResponseReader.Read(File.ReadAllText(ResponseFile, Encoding.UTF8));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or FormatException)
        {
            throw new ModelCompressionException(BuildErrorCodes.BadResponse, ResponseFile, $"the engine's response cannot be read: {e.Message}");
        }

        foreach (var diagnostic in response.Diagnostics)
        {
            var file = diagnostic.File.Length > 0 ? diagnostic.File : ProjectFile;
            if (diagnostic.IsError) TaskDiagnostics.Error(Log, diagnostic.Code, file, diagnostic.Message);
            else TaskDiagnostics.Warning(Log, diagnostic.Code, file, diagnostic.Message);
        }

        var outputs = new List<ITaskItem>();
        foreach (var model in Models)
        {
            var itemSpec = RequestBuilder.ItemSpec(model);
            var result = response.Models.FirstOrDefault(m => m.ItemSpec == itemSpec);
            var fullPath = model.GetMetadata("FullPath");
            if (result is null)
            {
                var failed = response.Diagnostics.Any(d => d.IsError && (d.File.Length == 0 || ModelPaths.SameFile(d.File, fullPath)));
                if (!failed && !response.Diagnostics.Any(d => d.IsError))
                {
                    TaskDiagnostics.Error(Log, BuildErrorCodes.MissingResult, fullPath, "the engine returned neither a compressed model nor an error for this model.");
                }
                continue;
            }
            var output = new TaskItem(result.OutputPath);
            model.CopyMetadataTo(output);
            output.SetMetadata(ModelMetadataNames.Profile, result.Profile);
            output.SetMetadata(ModelMetadataNames.Recipe, result.Recipe);
            output.SetMetadata(ModelMetadataNames.OriginalBytes, result.OriginalBytes.ToString(System.Globalization.CultureInfo.InvariantCulture));
            output.SetMetadata(ModelMetadataNames.CompressedBytes, result.CompressedBytes.ToString(System.Globalization.CultureInfo.InvariantCulture));
            output.SetMetadata(ModelMetadataNames.Sha256, result.Sha256);
            output.SetMetadata(ModelMetadataNames.CacheHit, result.CacheHit ? "true" : "false");
            outputs.Add(output);

            var expected = model.GetMetadata(ModelMetadataNames.OutputPath);
            if (expected.Length > 0 && File.Exists(result.OutputPath))
            {
                if (!ModelPaths.SameFile(expected, result.OutputPath)) File.Copy(result.OutputPath, expected, overwrite: true);
                // A cache hit may leave an older timestamp; the incremental target compares it with its inputs.
                File.SetLastWriteTimeUtc(expected, DateTime.UtcNow);
            }
            Log.LogMessage(MessageImportance.Normal, "{0}: {1} → {2} ({3}, {4} → {5} bytes{6})", itemSpec, result.Profile, expected,
                result.Recipe, result.OriginalBytes, result.CompressedBytes, result.CacheHit ? ", from the cache" : "");
        }
        CompressedModels = outputs.ToArray();
    }

    private static void DeleteIfPresent(string path)
    {
        if (path.Length > 0 && File.Exists(path)) File.Delete(path);
    }

    // modelc's usage errors name the program ("modelc: error MCB0001: ..."), not a file.
    private static bool IsFile(string file) => file.Length > 0 && file != "modelc";
}

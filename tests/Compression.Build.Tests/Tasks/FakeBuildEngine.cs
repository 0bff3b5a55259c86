using System.Collections;
using Microsoft.Build.Framework;

namespace Compression.Build.Tests.Tasks;

/// <summary>Records what a task logs, so tests can assert on codes, files and the absence of MSB6006.</summary>
internal sealed class FakeBuildEngine : IBuildEngine
{
    public List<BuildErrorEventArgs> Errors { get; } = [];
    public List<BuildWarningEventArgs> Warnings { get; } = [];
    public List<BuildMessageEventArgs> Messages { get; } = [];

    public bool ContinueOnError => false;
    public int LineNumberOfTaskNode => 0;
    public int ColumnNumberOfTaskNode => 0;
    public string ProjectFileOfTaskNode => "test.csproj";

    public void LogErrorEvent(BuildErrorEventArgs e) { lock (Errors) Errors.Add(e); }
    public void LogWarningEvent(BuildWarningEventArgs e) { lock (Warnings) Warnings.Add(e); }
    public void LogMessageEvent(BuildMessageEventArgs e) { lock (Messages) Messages.Add(e); }
    public void LogCustomEvent(CustomBuildEventArgs e) { }
    public bool BuildProjectFile(string projectFileName, string[] targetNames, IDictionary globalProperties, IDictionary targetOutputs) => false;

    public string Describe() => string.Join("\n", Errors.Select(e => $"error {e.Code} {e.File}: {e.Message}")
        .Concat(Warnings.Select(w => $"warning {w.Code} {w.File}: {w.Message}")));
}

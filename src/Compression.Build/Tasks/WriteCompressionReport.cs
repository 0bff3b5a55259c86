using System;
using System.IO;
using System.Linq;
using Microsoft.Build.Framework;
using Microsoft.Build.Utilities;

namespace Compression.Build.Tasks;

/// <summary>
/// Writes the build's compression report (compression-report.json and .md in the report folder) from the per-model
/// engine responses, with <c>modelc report</c>, so the report's format has one implementation: the engine's.
/// Models whose response is missing (they failed) are left out; their errors were reported when they ran.
/// </summary>
public sealed class WriteCompressionReport : EngineToolTask
{
    /// <summary>The resolved ModelCompression items; their ResponseFile metadata names the responses to merge.</summary>
    [Required] public ITaskItem[] Models { get; set; } = Array.Empty<ITaskItem>();

    [Required] public string ReportDirectory { get; set; } = "";

    public string RuntimeIdentifier { get; set; } = "";

    protected override void AppendEngineArguments(CommandLineBuilder builder)
    {
        builder.AppendSwitch("report");
        builder.AppendSwitchIfNotNull("--project ", ProjectFile);
        if (RuntimeIdentifier.Length > 0) builder.AppendSwitchIfNotNull("--rid ", RuntimeIdentifier);
        builder.AppendSwitchIfNotNull("--out ", ReportDirectory);
        var responses = Models.Select(m => m.GetMetadata(ModelMetadataNames.ResponseFile)).Where(f => f.Length > 0 && File.Exists(f)).ToArray();
        builder.AppendFileNamesIfNotNull(responses, " ");
    }
}

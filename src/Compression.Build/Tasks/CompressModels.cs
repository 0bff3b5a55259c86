using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text;
using Compression.Build.Diagnostics;
using Compression.Build.Parsing;
using Compression.Build.Protocol;
using Microsoft.Build.Framework;
using Microsoft.Build.Utilities;

namespace Compression.Build.Tasks;

/// <summary>
/// Runs the engine (<c>modelc build</c>) for the given models, then reports its diagnostics as MSBuild errors and
/// warnings and returns the compressed files (docs/build-protocol.md). A model that fails leaves no output behind.
/// </summary>
public sealed class CompressModels : EngineToolTask
{
    /// <summary>Resolved ModelCompression items (see <see cref="ResolveModelCompressionItems"/>); all share one output folder.</summary>
    [Required] public ITaskItem[] Models { get; set; } = Array.Empty<ITaskItem>();

    public ITaskItem[] Profiles { get; set; } = Array.Empty<ITaskItem>();

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
    /// <summary>$(ModelCompressionOnnxRuntimeCheck): true (default) or false.</summary>
    public string OnnxRuntimeCheck { get; set; } = "";
    /// <summary>$(ModelCompressionOnnxRuntimeVersion): the ONNX Runtime for a project that references none.</summary>
    public string OnnxRuntimeVersion { get; set; } = "";
    /// <summary>$(ProjectAssetsFile): which ONNX Runtime the project restored.</summary>
    public string ProjectAssetsFile { get; set; } = "";
    public string TargetFramework { get; set; } = "";

    [Output] public ITaskItem[] CompressedModels { get; private set; } = Array.Empty<ITaskItem>();

    protected override void AppendEngineArguments(CommandLineBuilder builder)
    {
        builder.AppendSwitch("build");
        builder.AppendSwitchIfNotNull("--request ", RequestFile);
        builder.AppendSwitchIfNotNull("--response ", ResponseFile);
    }

    protected override void BeforeEngine()
    {
        long maxCacheBytes = 0;
        if (MaxCacheBytes.Trim().Length > 0 && !ByteSize.TryParse(MaxCacheBytes, out maxCacheBytes))
        {
            throw new ModelCompressionException(BuildErrorCodes.BadProperty, ProjectFile,
                $"ModelCompressionMaxCacheBytes='{MaxCacheBytes}' is not a size; use bytes or a number with KB, MB or GB.");
        }
        if (!MetadataBoolean.TryParse(OnnxRuntimeCheck, true, out var onnxRuntimeCheck))
        {
            throw new ModelCompressionException(BuildErrorCodes.BadProperty, ProjectFile,
                $"ModelCompressionOnnxRuntimeCheck='{OnnxRuntimeCheck}' is not true or false.");
        }
        var request = RequestBuilder.Build(this, maxCacheBytes);
        request.OnnxRuntime.Check = onnxRuntimeCheck;

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

    protected override void AfterEngine()
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

}

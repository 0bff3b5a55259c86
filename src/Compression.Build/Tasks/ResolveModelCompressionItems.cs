using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text;
using Compression.Build.Diagnostics;
using Compression.Build.Parsing;
using Microsoft.Build.Framework;
using Microsoft.Build.Utilities;

namespace Compression.Build.Tasks;

/// <summary>
/// Computes, for every ModelCompression item, everything later targets need without compressing: its output folder
/// and file, the manifest resource name, whether it is embedded or copied next to the app, and a settings line that
/// changes whenever anything that shapes its output changes (properties, metadata, data-set files). The targets write
/// that line to a file that is an input of the incremental compression target. Runs in every build, design-time too.
/// </summary>
public sealed class ResolveModelCompressionItems : ModelCompressionTask
{
    [Required] public ITaskItem[] Models { get; set; } = Array.Empty<ITaskItem>();

    public ITaskItem[] Profiles { get; set; } = Array.Empty<ITaskItem>();

    [Required] public string ProjectFile { get; set; } = "";

    /// <summary>The intermediate folder for compressed models (obj/.../ModelCompression/).</summary>
    [Required] public string IntermediateDirectory { get; set; } = "";

    /// <summary>$(ModelCompressionReportDir); empty puts each model's report beside its output.</summary>
    public string ReportDirectory { get; set; } = "";

    public string RootNamespace { get; set; } = "";

    public string MaxEmbedBytes { get; set; } = "";

    // What else shapes every model's output; each goes into the settings line as it is given (docs/msbuild.md).
    public string RuntimeIdentifier { get; set; } = "";
    /// <summary>$(ModelCompressionProfile): overrides the RID map for every model.</summary>
    public string Profile { get; set; } = "";
    /// <summary>$(ModelCompressionEnginePath).</summary>
    public string EnginePath { get; set; } = "";
    /// <summary>The MODELC_ENGINE_PATH environment variable, as the build sees it.</summary>
    public string EnginePathFromEnvironment { get; set; } = "";
    /// <summary>The modelc.dll inside the package.</summary>
    public string PackagedEnginePath { get; set; } = "";
    /// <summary>$(RuntimeIdentifierGraphPath): the engine walks it for a RID no profile names.</summary>
    public string RuntimeIdentifierGraphPath { get; set; } = "";
    /// <summary>$(ModelCompressionOnnxRuntimeCheck): flipping it compresses again (the report and the check change).</summary>
    public string OnnxRuntimeCheck { get; set; } = "";
    /// <summary>$(ModelCompressionOnnxRuntimeVersion): the pinned ONNX Runtime the check uses for a project that references none.</summary>
    public string OnnxRuntimeVersion { get; set; } = "";
    /// <summary>$(ProjectAssetsFile): its size and time stand for the project's ONNX Runtime version (NuGet rewrites it only when the restore changed).</summary>
    public string ProjectAssetsFile { get; set; } = "";

    [Output] public ITaskItem[] ResolvedModels { get; private set; } = Array.Empty<ITaskItem>();

    /// <summary>Every file of every data set, for Visual Studio's fast up-to-date check.</summary>
    [Output] public ITaskItem[] DataSetFiles { get; private set; } = Array.Empty<ITaskItem>();

    protected override void ExecuteCore()
    {
        if (!ByteSize.TryParse(MaxEmbedBytes.Length == 0 ? "256MB" : MaxEmbedBytes, out var maxEmbed))
        {
            throw new ModelCompressionException(BuildErrorCodes.BadProperty, ProjectFile,
                $"ModelCompressionMaxEmbedBytes='{MaxEmbedBytes}' is not a size; use bytes or a number with KB, MB or GB.");
        }
        var projectDirectory = Path.GetDirectoryName(Path.GetFullPath(ProjectFile)) ?? "";
        var profileSettings = string.Join("|", Profiles.Select(p => p.ItemSpec + "{" + Metadata(p) + "}"));
        var globalSettings = GlobalSettings();
        var resolved = new List<ITaskItem>();
        var dataFiles = new SortedSet<string>(StringComparer.Ordinal);
        var resourceNames = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var model in Models)
        {
            var fullPath = model.GetMetadata("FullPath");
            var folder = Path.Combine(Path.GetFullPath(IntermediateDirectory), ModelPaths.FolderName(fullPath));
            var fileName = ModelPaths.OutputFileName(fullPath);

            if (!MetadataBoolean.TryParse(model.GetMetadata(ModelMetadataNames.Embed), true, out var embed))
            {
                throw new ModelCompressionException(BuildErrorCodes.BadMetadata, fullPath,
                    $"Embed='{model.GetMetadata(ModelMetadataNames.Embed)}' on ModelCompression item '{model.ItemSpec}' is not true or false.");
            }
            // The original size decides, not the compressed one: the decision must be the same before compression
            // (design-time builds, IntelliSense) and after it, and a model never grows by compression.
            var tooLarge = File.Exists(fullPath) && new FileInfo(fullPath).Length > maxEmbed;
            if (embed && tooLarge)
            {
                TaskDiagnostics.Warning(Log, BuildErrorCodes.CopiedNotEmbedded, fullPath,
                    $"the model is larger than ModelCompressionMaxEmbedBytes ({maxEmbed} bytes): it is copied to the output folder instead of embedded.");
            }

            var logicalName = model.GetMetadata(ModelMetadataNames.LogicalName);
            if (logicalName.Length == 0)
            {
                logicalName = (RootNamespace.Length > 0 ? RootNamespace + "." : "") + "Models." + Path.GetFileName(fullPath);
            }
            if (resourceNames.TryGetValue(logicalName, out var other))
            {
                throw new ModelCompressionException(BuildErrorCodes.DuplicateName, fullPath,
                    $"this model and '{other}' would both be named '{logicalName}'; set LogicalName (and AccessorName) on one of the ModelCompression items.");
            }
            resourceNames.Add(logicalName, fullPath);

            var item = new TaskItem(model.ItemSpec);
            model.CopyMetadataTo(item);
            item.SetMetadata(ModelMetadataNames.OriginalItemSpec, model.ItemSpec);
            item.SetMetadata(ModelMetadataNames.OutputDirectory, folder + Path.DirectorySeparatorChar);
            item.SetMetadata(ModelMetadataNames.OutputPath, Path.Combine(folder, fileName));
            item.SetMetadata(ModelMetadataNames.RequestFile, Path.Combine(folder, "request.json"));
            item.SetMetadata(ModelMetadataNames.ResponseFile, Path.Combine(folder, "response.json"));
            item.SetMetadata(ModelMetadataNames.SettingsFile, Path.Combine(folder, "settings.txt"));
            item.SetMetadata(ModelMetadataNames.ReportDirectory,
                ReportDirectory.Length == 0 ? folder : Path.Combine(ModelPaths.Absolute(projectDirectory, ReportDirectory), ModelPaths.FolderName(fullPath)));
            item.SetMetadata(ModelMetadataNames.LogicalName, logicalName);
            var copied = !embed || tooLarge;
            item.SetMetadata(ModelMetadataNames.Delivery, copied ? "File" : "Resource");
            var relative = Path.Combine("Models", fileName);
            item.SetMetadata(ModelMetadataNames.RelativePath, copied ? relative : "");
            // Link is what AssignTargetPaths reads when the targets turn a copied model into a None item.
            if (copied) item.SetMetadata(ModelMetadataNames.Link, relative);

            var settings = new StringBuilder();
            settings.Append(globalSettings).Append("|profiles=").Append(profileSettings);
            settings.Append("|item=").Append(Metadata(model));
            // The model's own size and time too: a model replaced by an older file (a copy that keeps its timestamp,
            // a restored backup) is not newer than the output, but it is different, and must be compressed again.
            if (File.Exists(fullPath))
            {
                var info = new FileInfo(fullPath);
                settings.Append("|model=").Append(info.Length.ToString(CultureInfo.InvariantCulture))
                    .Append(',').Append(info.LastWriteTimeUtc.Ticks.ToString(CultureInfo.InvariantCulture));
            }
            foreach (var name in new[] { ModelMetadataNames.CalibrationData, ModelMetadataNames.ValidationData })
            {
                foreach (var file in DataSet(ModelPaths.Absolute(projectDirectory, model.GetMetadata(name))))
                {
                    dataFiles.Add(file.FullName);
                    settings.Append('|').Append(file.FullName).Append(',').Append(file.Length.ToString(CultureInfo.InvariantCulture))
                        .Append(',').Append(file.LastWriteTimeUtc.Ticks.ToString(CultureInfo.InvariantCulture));
                }
            }
            item.SetMetadata(ModelMetadataNames.Settings, settings.ToString());
            resolved.Add(item);
        }
        ResolvedModels = resolved.ToArray();
        DataSetFiles = dataFiles.Select(f => (ITaskItem)new TaskItem(f)).ToArray();
    }

    /// <summary>
    /// The settings every model shares. Each value is there as given, so the line changes when any of them does —
    /// even a packaged engine path that an explicit EnginePath overrides: a path is cheap to compare, and a model
    /// compressed once more is safer than one the wrong engine made.
    /// </summary>
    private string GlobalSettings() => string.Join("|",
        "rid=" + RuntimeIdentifier, "profile=" + Profile, "engine=" + EnginePath, "env-engine=" + EnginePathFromEnvironment,
        "packaged=" + PackagedEnginePath, "ridgraph=" + RuntimeIdentifierGraphPath,
        "ort-check=" + OnnxRuntimeCheck, "ort-version=" + OnnxRuntimeVersion, "assets=" + FileStamp(ProjectAssetsFile));

    /// <summary>A file's path, size and time ("path,size,ticks"), or its path alone when it does not exist.</summary>
    private static string FileStamp(string path)
    {
        if (path.Length == 0 || !File.Exists(path)) return path;
        var info = new FileInfo(path);
        return path + "," + info.Length.ToString(CultureInfo.InvariantCulture) + "," + info.LastWriteTimeUtc.Ticks.ToString(CultureInfo.InvariantCulture);
    }

    /// <summary>The item's custom metadata, sorted by name, so the line does not depend on the order it was written in.</summary>
    private static string Metadata(ITaskItem item)
    {
        var pairs = new List<string>();
        foreach (string name in item.MetadataNames)
        {
            if (IsWellKnown(name)) continue;
            pairs.Add(name + "=" + item.GetMetadata(name));
        }
        pairs.Sort(StringComparer.Ordinal);
        return string.Join(",", pairs);
    }

    private static bool IsWellKnown(string name) => name is "FullPath" or "RootDir" or "Filename" or "Extension" or "RelativeDir"
        or "Directory" or "RecursiveDir" or "Identity" or "ModifiedTime" or "CreatedTime" or "AccessedTime" or "DefiningProjectFullPath"
        or "DefiningProjectDirectory" or "DefiningProjectName" or "DefiningProjectExtension";

    private static IEnumerable<FileInfo> DataSet(string folder)
    {
        if (folder.Length == 0 || !Directory.Exists(folder)) return Enumerable.Empty<FileInfo>();
        return new DirectoryInfo(folder).EnumerateFiles("*", SearchOption.AllDirectories)
            .OrderBy(f => f.FullName, StringComparer.Ordinal);
    }
}

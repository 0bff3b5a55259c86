using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text;
using Compression.Build.Accessor;
using Compression.Build.Diagnostics;
using Compression.Build.Parsing;
using Compression.Build.Protocol;
using Microsoft.Build.Framework;
using Microsoft.Build.Utilities;

namespace Compression.Build.Tasks;

/// <summary>
/// Writes the CompressedModels accessor from the resolved items and each model's last engine response. Runs in every
/// build, design-time builds included, so IntelliSense always sees the classes; a model not compressed yet gets
/// "(not built yet)". The file is rewritten only when its text changes, so an unchanged build does not recompile.
/// </summary>
public sealed class GenerateModelAccessor : ModelCompressionTask
{
    public const string NotBuiltYet = "(not built yet)";

    [Required] public ITaskItem[] Models { get; set; } = Array.Empty<ITaskItem>();
    [Required] public string ProjectFile { get; set; } = "";
    [Required] public string OutputFile { get; set; } = "";
    public string RootNamespace { get; set; } = "";

    protected override void ExecuteCore() => WriteIfChanged(OutputFile, AccessorSourceWriter.Write(RootNamespace, Describe()));

    private List<AccessorModel> Describe()
    {
        var models = new List<AccessorModel>();
        var classNames = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var item in Models)
        {
            var fullPath = item.GetMetadata("FullPath");
            var className = ClassName(item, fullPath);
            if (classNames.TryGetValue(className, out var other))
            {
                throw new ModelCompressionException(BuildErrorCodes.DuplicateName, fullPath,
                    $"this model and '{other}' would both be CompressedModels.{className}; set AccessorName on one of the ModelCompression items.");
            }
            classNames.Add(className, fullPath);

            var embedded = item.GetMetadata(ModelMetadataNames.Delivery) != "File";
            var model = new AccessorModel
            {
                ClassName = className,
                Source = item.GetMetadata(ModelMetadataNames.OriginalItemSpec) is { Length: > 0 } spec ? spec : item.ItemSpec,
                ResourceName = embedded ? item.GetMetadata(ModelMetadataNames.LogicalName) : "",
                FileName = embedded ? "" : item.GetMetadata(ModelMetadataNames.RelativePath).Replace('\\', '/'),
                Profile = NotBuiltYet,
                Recipe = NotBuiltYet,
                OriginalSize = File.Exists(fullPath) ? new FileInfo(fullPath).Length : 0,
            };
            var result = LastResult(item);
            if (result is not null)
            {
                model.Profile = result.Profile;
                model.Recipe = result.Recipe;
                model.OriginalSize = result.OriginalBytes;
                model.CompressedSize = result.CompressedBytes;
                model.Sha256 = result.Sha256;
                model.Packing = result.Packing;
            }
            models.Add(model);
        }
        return models;
    }

    private static string ClassName(ITaskItem item, string fullPath)
    {
        var requested = item.GetMetadata(ModelMetadataNames.AccessorName).Trim();
        if (requested.Length == 0) return IdentifierNames.FromFileName(Path.GetFileNameWithoutExtension(fullPath));
        if (!IdentifierNames.IsValid(requested))
        {
            throw new ModelCompressionException(BuildErrorCodes.BadMetadata, fullPath,
                $"AccessorName='{requested}' is not a usable C# class name (letters, digits and '_', not starting with a digit, not a keyword or a member of the accessor).");
        }
        return requested;
    }

    /// <summary>
    /// The model's entry in its last response, when that response is newer than the model's settings; otherwise
    /// null. A response the engine wrote for other settings, or one that cannot be read, is not worth an error
    /// here: the compression target reports real failures.
    /// </summary>
    private static CompressedModel? LastResult(ITaskItem item)
    {
        var responseFile = item.GetMetadata(ModelMetadataNames.ResponseFile);
        var output = item.GetMetadata(ModelMetadataNames.OutputPath);
        if (responseFile.Length == 0 || !File.Exists(responseFile) || output.Length == 0 || !File.Exists(output)) return null;
        try
        {
            var response = EngineResponseReader.Read(File.ReadAllText(responseFile, Encoding.UTF8));
            var spec = item.GetMetadata(ModelMetadataNames.OriginalItemSpec) is { Length: > 0 } s ? s : item.ItemSpec;
            return response.Models.FirstOrDefault(m => m.ItemSpec == spec);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or FormatException)
        {
            return null;
        }
    }

    private static void WriteIfChanged(string path, string text)
    {
        try
        {
            if (File.Exists(path) && File.ReadAllText(path, Encoding.UTF8) == text) return;
            var folder = Path.GetDirectoryName(Path.GetFullPath(path));
            if (!string.IsNullOrEmpty(folder)) Directory.CreateDirectory(folder);
            File.WriteAllText(path, text, new UTF8Encoding(false));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new ModelCompressionException(BuildErrorCodes.WriteFailed, path, $"cannot write the model accessor: {e.Message}");
        }
    }
}

using System.Collections.Generic;
using System.IO;
using Compression.Build.Parsing;
using Compression.Build.Protocol;
using Microsoft.Build.Framework;

namespace Compression.Build.Tasks;

/// <summary>Turns the task's parameters and items into the request the engine reads.</summary>
internal static class RequestBuilder
{
    public static EngineRequest Build(CompressModels task, long maxCacheBytes)
    {
        var projectDirectory = Path.GetDirectoryName(Path.GetFullPath(task.ProjectFile)) ?? "";
        var request = new EngineRequest
        {
            ProjectFile = Path.GetFullPath(task.ProjectFile),
            RuntimeIdentifier = task.RuntimeIdentifier,
            RuntimeIdentifierGraphPath = task.RuntimeIdentifierGraphPath,
            Profile = task.Profile,
            CacheDirectory = ModelPaths.Absolute(projectDirectory, task.CacheDirectory),
            MaxCacheBytes = maxCacheBytes,
            OutputDirectory = Path.GetFullPath(task.OutputDirectory),
            ReportDirectory = ModelPaths.Absolute(projectDirectory, task.ReportDirectory),
        };
        request.OnnxRuntime.ProjectAssetsFile = ModelPaths.Absolute(projectDirectory, task.ProjectAssetsFile);
        request.OnnxRuntime.TargetFramework = task.TargetFramework;
        request.OnnxRuntime.PinnedVersion = task.OnnxRuntimeVersion.Trim();
        foreach (var item in task.Profiles) request.Profiles.Add(Profile(item));
        foreach (var item in task.Models) request.Models.Add(Model(item, projectDirectory));
        return request;
    }

    /// <summary>The item as the user wrote it, which is how the engine's response names it back.</summary>
    public static string ItemSpec(ITaskItem item)
    {
        var original = item.GetMetadata(ModelMetadataNames.OriginalItemSpec);
        return original.Length > 0 ? original : item.ItemSpec;
    }

    public static ModelRequest Model(ITaskItem item, string projectDirectory)
    {
        var model = new ModelRequest
        {
            ItemSpec = ItemSpec(item),
            FullPath = item.GetMetadata("FullPath"),
            Profile = item.GetMetadata(ModelMetadataNames.Profile).Trim(),
            CalibrationData = ModelPaths.Absolute(projectDirectory, item.GetMetadata(ModelMetadataNames.CalibrationData)),
            ValidationData = ModelPaths.Absolute(projectDirectory, item.GetMetadata(ModelMetadataNames.ValidationData)),
            MaxAccuracyLoss = item.GetMetadata(ModelMetadataNames.MaxAccuracyLoss).Trim(),
            MinFidelityDb = item.GetMetadata(ModelMetadataNames.MinFidelityDb).Trim(),
            InputShapes = item.GetMetadata(ModelMetadataNames.InputShapes).Trim(),
        };
        model.Options.AddRange(KnownMetadata.Others(item, KnownMetadata.ModelItem));
        return model;
    }

    public static ProfileDefinition Profile(ITaskItem item)
    {
        var profile = new ProfileDefinition { Name = item.ItemSpec, BasedOn = item.GetMetadata(ModelMetadataNames.BasedOn).Trim() };
        foreach (var rid in item.GetMetadata(ModelMetadataNames.RuntimeIdentifiers).Split(';'))
        {
            if (rid.Trim().Length > 0) profile.RuntimeIdentifiers.Add(rid.Trim());
        }
        profile.Options.AddRange(KnownMetadata.Others(item, KnownMetadata.ProfileItem));
        return profile;
    }
}

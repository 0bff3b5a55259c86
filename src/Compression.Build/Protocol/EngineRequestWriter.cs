using System.Collections.Generic;
using Compression.Build.Json;

namespace Compression.Build.Protocol;

/// <summary>Serializes an <see cref="EngineRequest"/> with the protocol's camelCase names.</summary>
internal static class EngineRequestWriter
{
    public static string Write(EngineRequest request)
    {
        var json = new JsonWriter().StartObject()
            .Property("projectFile", request.ProjectFile)
            .Property("runtimeIdentifier", request.RuntimeIdentifier)
            .Property("runtimeIdentifierGraphPath", request.RuntimeIdentifierGraphPath)
            .Property("profile", request.Profile)
            .Property("cacheDirectory", request.CacheDirectory)
            .Property("maxCacheBytes", request.MaxCacheBytes)
            .Property("outputDirectory", request.OutputDirectory)
            .Property("reportDirectory", request.ReportDirectory);

        json.Name("profiles").StartArray();
        foreach (var profile in request.Profiles)
        {
            json.StartObject().Property("name", profile.Name);
            json.Name("runtimeIdentifiers").StartArray();
            foreach (var rid in profile.RuntimeIdentifiers) json.Value(rid);
            json.EndArray();
            json.Property("basedOn", profile.BasedOn);
            WriteOptions(json, profile.Options);
            json.EndObject();
        }
        json.EndArray();

        json.Name("models").StartArray();
        foreach (var model in request.Models)
        {
            json.StartObject()
                .Property("itemSpec", model.ItemSpec)
                .Property("fullPath", model.FullPath)
                .Property("profile", model.Profile);
            WriteOptions(json, model.Options);
            json.Property("calibrationData", model.CalibrationData)
                .Property("validationData", model.ValidationData)
                .Property("maxAccuracyLoss", model.MaxAccuracyLoss)
                .Property("minFidelityDb", model.MinFidelityDb)
                .EndObject();
        }
        json.EndArray();

        json.Name("onnxRuntime").StartObject()
            .Property("check", request.OnnxRuntime.Check)
            .Property("projectAssetsFile", request.OnnxRuntime.ProjectAssetsFile)
            .Property("targetFramework", request.OnnxRuntime.TargetFramework)
            .Property("pinnedVersion", request.OnnxRuntime.PinnedVersion)
            .EndObject();
        return json.EndObject().ToString();
    }

    private static void WriteOptions(JsonWriter json, List<KeyValuePair<string, string>> options)
    {
        json.Name("options").StartObject();
        foreach (var option in options) json.Property(option.Key, option.Value);
        json.EndObject();
    }
}

using System.Collections.Generic;

namespace Compression.Build.Protocol;

/// <summary>The request.json of docs/build-protocol.md, as the task fills it in.</summary>
internal sealed class EngineRequest
{
    public string ProjectFile { get; set; } = "";
    public string RuntimeIdentifier { get; set; } = "";
    public string RuntimeIdentifierGraphPath { get; set; } = "";
    public string Profile { get; set; } = "";
    public string CacheDirectory { get; set; } = "";
    public long MaxCacheBytes { get; set; }
    public string OutputDirectory { get; set; } = "";
    public string ReportDirectory { get; set; } = "";
    public List<ProfileDefinition> Profiles { get; } = new List<ProfileDefinition>();
    public List<ModelRequest> Models { get; } = new List<ModelRequest>();
    public OnnxRuntimeRequest OnnxRuntime { get; } = new OnnxRuntimeRequest();
}

/// <summary>The ONNX Runtime check: whether to run it, and what the engine needs to pick the project's ONNX Runtime.</summary>
internal sealed class OnnxRuntimeRequest
{
    /// <summary>$(ModelCompressionOnnxRuntimeCheck).</summary>
    public bool Check { get; set; } = true;
    /// <summary>$(ProjectAssetsFile): obj/project.assets.json, NuGet's restore output.</summary>
    public string ProjectAssetsFile { get; set; } = "";
    public string TargetFramework { get; set; } = "";
    /// <summary>$(ModelCompressionOnnxRuntimeVersion): the version for a project that references no ONNX Runtime.</summary>
    public string PinnedVersion { get; set; } = "";
}

/// <summary>One ModelCompressionProfile item.</summary>
internal sealed class ProfileDefinition
{
    public string Name { get; set; } = "";
    public List<string> RuntimeIdentifiers { get; } = new List<string>();
    public string BasedOn { get; set; } = "";
    /// <summary>Recipe options by metadata name, in the order they are written.</summary>
    public List<KeyValuePair<string, string>> Options { get; } = new List<KeyValuePair<string, string>>();
}

/// <summary>One ModelCompression item.</summary>
internal sealed class ModelRequest
{
    public string ItemSpec { get; set; } = "";
    public string FullPath { get; set; } = "";
    public string Profile { get; set; } = "";
    public List<KeyValuePair<string, string>> Options { get; } = new List<KeyValuePair<string, string>>();
    public string CalibrationData { get; set; } = "";
    public string ValidationData { get; set; } = "";
    public string MaxAccuracyLoss { get; set; } = "";
    public string MinFidelityDb { get; set; } = "";
    public string InputShapes { get; set; } = "";
}

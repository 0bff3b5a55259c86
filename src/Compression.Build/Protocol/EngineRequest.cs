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
}

namespace Compression.Engine.Build;

/// <summary>What the MSBuild task asks of the engine for one project build (docs/build-protocol.md).</summary>
internal sealed record BuildRequest
{
    public string ProjectFile { get; init; } = "";
    public string RuntimeIdentifier { get; init; } = "";
    public string RuntimeIdentifierGraphPath { get; init; } = "";
    public string Profile { get; init; } = "";
    public string CacheDirectory { get; init; } = "";
    public long MaxCacheBytes { get; init; } = 2L << 30;
    public string OutputDirectory { get; init; } = "";
    public string ReportDirectory { get; init; } = "";
    public IReadOnlyList<ProfileDefinition> Profiles { get; init; } = [];
    public IReadOnlyList<ModelItem> Models { get; init; } = [];

    /// <summary>The ONNX Runtime check; a request without it (an older task) checks with the pinned version.</summary>
    public OnnxRuntimeRequest OnnxRuntime { get; init; } = new();
}

/// <summary>
/// The ONNX Runtime part of a request: whether to check (ModelCompressionOnnxRuntimeCheck), the project's restore
/// output and target framework (which ONNX Runtime the project uses), and the version Compression.Build pins
/// (ModelCompressionOnnxRuntimeVersion) for a project that uses none.
/// </summary>
internal sealed record OnnxRuntimeRequest
{
    public bool Check { get; init; } = true;
    public string ProjectAssetsFile { get; init; } = "";
    public string TargetFramework { get; init; } = "";
    public string PinnedVersion { get; init; } = Runtime.OnnxRuntimePin.Version;
}

/// <summary>A project's own profile (a ModelCompressionProfile item): a recipe based on another profile, and its RIDs.</summary>
internal sealed record ProfileDefinition
{
    public string Name { get; init; } = "";
    public IReadOnlyList<string> RuntimeIdentifiers { get; init; } = [];
    public string BasedOn { get; init; } = "";
    public IReadOnlyDictionary<string, string> Options { get; init; } = new Dictionary<string, string>();
}

/// <summary>One ModelCompression item with the metadata the engine needs.</summary>
internal sealed record ModelItem
{
    public string ItemSpec { get; init; } = "";
    public string FullPath { get; init; } = "";
    public string Profile { get; init; } = "";
    public IReadOnlyDictionary<string, string> Options { get; init; } = new Dictionary<string, string>();
    public string CalibrationData { get; init; } = "";
    public string ValidationData { get; init; } = "";
    public string MaxAccuracyLoss { get; init; } = "";
    public string MinFidelityDb { get; init; } = "";

    /// <summary>The item's InputShapes (<c>NAME=d0,d1;...</c>): shapes for the cost figures; empty for none.</summary>
    public string InputShapes { get; init; } = "";
}

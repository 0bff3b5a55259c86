namespace Compression.Build.Tasks;

/// <summary>The metadata names of the ModelCompression and ModelCompressionProfile items, and of the task outputs.</summary>
internal static class ModelMetadataNames
{
    // Recipe metadata: passed to the engine in "options" under these exact names (docs/build-protocol.md). The task
    // cannot reference the engine (netstandard2.0 in MSBuild), so this is a copy of the engine's option table that a
    // test (ModelMetadataNamesTests) keeps equal to it, name for name and in order.
    public const string Quantization = "Quantization";
    public const string Pruning = "Pruning";
    public const string LowRank = "LowRank";
    public const string WeightSharing = "WeightSharing";
    public const string Distillation = "Distillation";
    public const string Packing = "Packing";
    public const string ActivationType = "ActivationType";
    public const string ReduceRange = "ReduceRange";
    public const string CalibrationMethod = "CalibrationMethod";
    public const string Exclude = "Exclude";
    public const string BlockSize = "BlockSize";
    public const string PruningScope = "PruningScope";
    public const string SharingScope = "SharingScope";

    /// <summary>Recipe metadata in the engine's order; the request lists only those an item sets.</summary>
    public static readonly string[] RecipeOptions =
    {
        Quantization, Pruning, LowRank, WeightSharing, Distillation, Packing,
        ActivationType, ReduceRange, CalibrationMethod, Exclude, BlockSize, PruningScope, SharingScope,
    };

    // Item metadata the engine receives as its own fields.
    public const string Profile = "Profile";
    public const string CalibrationData = "CalibrationData";
    public const string ValidationData = "ValidationData";
    public const string MaxAccuracyLoss = "MaxAccuracyLoss";
    public const string MinFidelityDb = "MinFidelityDb";

    // Item metadata the build itself interprets.
    public const string LogicalName = "LogicalName";
    public const string AccessorName = "AccessorName";
    public const string Embed = "Embed";

    /// <summary>
    /// Data-set metadata DESIGN.md reserves for decoding raw files (issue 16). Nothing reads them yet; they are known
    /// so that a project written for that release builds here without a warning for each.
    /// </summary>
    public static readonly string[] DataSetOptions =
    {
        "InputSize", "Resize", "Layout", "ColorOrder", "Scale", "Mean", "Std", "SampleRate", "Tokenizer", "InputShapes",
    };

    // ModelCompressionProfile item metadata.
    public const string RuntimeIdentifiers = "RuntimeIdentifiers";
    public const string BasedOn = "BasedOn";

    // Metadata Visual Studio's project system reads on any item (a linked file, a hidden one).
    public const string Link = "Link";
    public const string Visible = "Visible";

    // Private metadata the targets compute for each model (see Compression.Build.targets).
    public const string OutputPath = "OutputPath";
    public const string OutputDirectory = "OutputDirectory";
    public const string ReportDirectory = "ReportDirectory";
    public const string RequestFile = "RequestFile";
    public const string ResponseFile = "ResponseFile";
    public const string OriginalItemSpec = "OriginalItemSpec";
    /// <summary>"Resource" when the model is embedded, "File" when it is copied next to the app.</summary>
    public const string Delivery = "Delivery";
    /// <summary>For a copied model, its path relative to the output folder.</summary>
    public const string RelativePath = "RelativePath";
    /// <summary>The line of everything that shapes the model's output, and the file the targets write it to.</summary>
    public const string Settings = "Settings";
    public const string SettingsFile = "SettingsFile";

    // Task output metadata.
    public const string Recipe = "Recipe";
    public const string OriginalBytes = "OriginalBytes";
    public const string CompressedBytes = "CompressedBytes";
    public const string Sha256 = "Sha256";
    public const string CacheHit = "CacheHit";
}

namespace Compression.Build.Tasks;

/// <summary>The metadata names of the ModelCompression and ModelCompressionProfile items, and of the task outputs.</summary>
internal static class ModelMetadataNames
{
    // Recipe metadata: passed to the engine in "options" under these exact names (docs/build-protocol.md).
    public const string Quantization = "Quantization";
    public const string Pruning = "Pruning";
    public const string LowRank = "LowRank";
    public const string WeightSharing = "WeightSharing";
    public const string Distillation = "Distillation";
    public const string Packing = "Packing";
    public const string ActivationType = "ActivationType";
    public const string CalibrationMethod = "CalibrationMethod";
    public const string Exclude = "Exclude";
    public const string BlockSize = "BlockSize";
    public const string PruningScope = "PruningScope";
    public const string SharingScope = "SharingScope";

    /// <summary>Recipe metadata in the protocol's order; the request lists only those an item sets.</summary>
    public static readonly string[] RecipeOptions =
    {
        Quantization, Pruning, LowRank, WeightSharing, Distillation, Packing,
        ActivationType, CalibrationMethod, Exclude, BlockSize, PruningScope, SharingScope,
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

    // ModelCompressionProfile item metadata.
    public const string RuntimeIdentifiers = "RuntimeIdentifiers";
    public const string BasedOn = "BasedOn";

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

    // Task output metadata.
    public const string Recipe = "Recipe";
    public const string OriginalBytes = "OriginalBytes";
    public const string CompressedBytes = "CompressedBytes";
    public const string Sha256 = "Sha256";
    public const string CacheHit = "CacheHit";
}

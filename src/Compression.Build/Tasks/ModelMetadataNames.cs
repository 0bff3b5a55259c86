namespace Compression.Build.Tasks;

/// <summary>The metadata names of the ModelCompression and ModelCompressionProfile items, and of the task outputs.</summary>
internal static class ModelMetadataNames
{
    // Recipe options have no names here: every custom metadata the build does not read itself (KnownMetadata) goes to
    // the engine as an option, and the engine's table (RecipeOptions.All) is the one list that says which are options.

    // Item metadata the engine receives as its own fields.
    public const string Profile = "Profile";
    public const string CalibrationData = "CalibrationData";
    public const string ValidationData = "ValidationData";
    public const string MaxAccuracyLoss = "MaxAccuracyLoss";
    public const string MinFidelityDb = "MinFidelityDb";
    /// <summary>Shapes for cost figures of inputs with dynamic dimensions, <c>NAME=d0,d1;NAME2=...</c>.</summary>
    public const string InputShapes = "InputShapes";

    // Item metadata the build itself interprets.
    public const string LogicalName = "LogicalName";
    public const string AccessorName = "AccessorName";
    public const string Embed = "Embed";

    /// <summary>
    /// Data-set metadata reserved for decoding raw files (issue 16, docs/msbuild.md). Nothing reads them yet; they are known
    /// so that a project written for that release builds here without a warning for each.
    /// </summary>
    public static readonly string[] DataSetOptions =
    {
        "InputSize", "Resize", "Layout", "ColorOrder", "Scale", "Mean", "Std", "SampleRate", "Tokenizer",
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

namespace Compression.Build.Diagnostics;

/// <summary>
/// The codes the MSBuild side reports itself (the engine's codes arrive through the response). MCB3xxx is the build
/// integration's range; docs/diagnostics.md explains each one and a test keeps both in step.
/// </summary>
public static class BuildErrorCodes
{
    /// <summary>The engine (modelc.dll) is not where the package, the property or the environment variable says.</summary>
    public const string EngineNotFound = "MCB3001";

    /// <summary>No dotnet host to run the engine: DOTNET_HOST_PATH is empty and no dotnet is on PATH.</summary>
    public const string HostNotFound = "MCB3002";

    /// <summary>The engine failed before it could write a response (its own message follows).</summary>
    public const string EngineFailed = "MCB3003";

    /// <summary>The engine's response is missing or not the JSON the protocol describes.</summary>
    public const string BadResponse = "MCB3004";

    /// <summary>A property has a value the build cannot use (e.g. ModelCompressionMaxCacheBytes="lots").</summary>
    public const string BadProperty = "MCB3005";

    /// <summary>An item metadata value the build itself interprets (Embed, AccessorName) is not valid.</summary>
    public const string BadMetadata = "MCB3006";

    /// <summary>Two models would get the same accessor class or the same resource name.</summary>
    public const string DuplicateName = "MCB3007";

    /// <summary>The engine's response names no result and no error for a model it was asked about.</summary>
    public const string MissingResult = "MCB3008";

    /// <summary>A file the build writes (request, accessor) cannot be written.</summary>
    public const string WriteFailed = "MCB3009";

    /// <summary>Warning: a model is larger than ModelCompressionMaxEmbedBytes and is copied to the output folder instead.</summary>
    public const string CopiedNotEmbedded = "MCB3010";

    /// <summary>Warning: an item carries metadata the build does not read (a typo such as Quantisation); it is ignored.</summary>
    public const string UnknownMetadata = "MCB3011";
}

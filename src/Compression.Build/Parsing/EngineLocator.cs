using System;
using System.IO;

namespace Compression.Build.Parsing;

/// <summary>
/// Where the engine and the host that runs it are. The engine: the ModelCompressionEnginePath property, else the
/// MODELC_ENGINE_PATH environment variable, else the modelc.dll the package ships. The host: DOTNET_HOST_PATH (the
/// dotnet that runs this build, as the SDK's own tool tasks use), else the first dotnet on PATH.
/// </summary>
internal static class EngineLocator
{
    public const string EnginePathVariable = "MODELC_ENGINE_PATH";
    public const string HostPathVariable = "DOTNET_HOST_PATH";

    public static string ChooseEnginePath(string? property, string? environmentVariable, string packaged)
    {
        if (!string.IsNullOrWhiteSpace(property)) return property!.Trim();
        if (!string.IsNullOrWhiteSpace(environmentVariable)) return environmentVariable!.Trim();
        return packaged;
    }

    /// <summary>The host's full path, or null when there is none.</summary>
    public static string? FindHost(string? dotnetHostPath, string? pathVariable, bool isWindows, Func<string, bool> fileExists)
    {
        if (!string.IsNullOrWhiteSpace(dotnetHostPath) && fileExists(dotnetHostPath!)) return dotnetHostPath;
        var executable = isWindows ? "dotnet.exe" : "dotnet";
        foreach (var folder in (pathVariable ?? "").Split(isWindows ? ';' : ':'))
        {
            var trimmed = folder.Trim().Trim('"');
            if (trimmed.Length == 0) continue;
            string candidate;
            try
            {
                candidate = Path.Combine(trimmed, executable);
            }
            catch (ArgumentException)
            {
                continue; // a PATH entry with invalid characters is skipped, as the shell does
            }
            if (fileExists(candidate)) return candidate;
        }
        return null;
    }
}

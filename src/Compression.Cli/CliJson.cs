using System.Text.Json;

namespace Compression.Cli;

/// <summary>The JSON conventions of every modelc output: camelCase names, indented, stable order.</summary>
internal static class CliJson
{
    public static JsonSerializerOptions Options { get; } = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        DictionaryKeyPolicy = null,
        WriteIndented = true,
    };
}

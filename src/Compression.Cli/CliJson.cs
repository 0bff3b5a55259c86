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
        // Readable apostrophes and non-ASCII names in files people open; nothing here is embedded in HTML.
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };
}

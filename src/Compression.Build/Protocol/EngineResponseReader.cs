using System;
using System.Collections.Generic;
using Compression.Build.Json;

namespace Compression.Build.Protocol;

/// <summary>
/// Reads response.json. Unknown properties are ignored (the engine may add fields without breaking older tasks);
/// a missing required field or a wrong type is a <see cref="FormatException"/> naming the field.
/// </summary>
internal static class EngineResponseReader
{
    public static EngineResponse Read(string text)
    {
        var root = JsonReader.Parse(text) as Dictionary<string, object?> ?? throw new FormatException("the response is not a JSON object");
        var response = new EngineResponse();
        foreach (var entry in Array(root, "models"))
        {
            var model = entry as Dictionary<string, object?> ?? throw new FormatException("an entry of 'models' is not an object");
            response.Models.Add(new CompressedModel
            {
                ItemSpec = String(model, "itemSpec"),
                OutputPath = String(model, "outputPath"),
                Profile = String(model, "profile"),
                Recipe = String(model, "recipe"),
                OriginalBytes = Integer(model, "originalBytes"),
                CompressedBytes = Integer(model, "compressedBytes"),
                Sha256 = String(model, "sha256"),
                CacheHit = model.TryGetValue("cacheHit", out var hit) && hit is bool b && b,
                Packing = model.TryGetValue("packing", out var packing) && packing is string p && p.Length > 0 ? p : "none",
            });
        }
        foreach (var entry in Array(root, "diagnostics"))
        {
            var diagnostic = entry as Dictionary<string, object?> ?? throw new FormatException("an entry of 'diagnostics' is not an object");
            var severity = String(diagnostic, "severity");
            response.Diagnostics.Add(new EngineDiagnostic
            {
                // Anything but "warning" counts as an error: an unknown severity must not let a failure pass quietly.
                IsError = !string.Equals(severity, "warning", StringComparison.OrdinalIgnoreCase),
                Code = String(diagnostic, "code"),
                File = diagnostic.TryGetValue("file", out var file) && file is string f ? f : "",
                Message = String(diagnostic, "message"),
            });
        }
        return response;
    }

    private static List<object?> Array(Dictionary<string, object?> obj, string name)
    {
        if (!obj.TryGetValue(name, out var value) || value is null) return new List<object?>();
        return value as List<object?> ?? throw new FormatException($"'{name}' is not an array");
    }

    private static string String(Dictionary<string, object?> obj, string name) =>
        obj.TryGetValue(name, out var value) && value is string text ? text : throw new FormatException($"'{name}' is missing or not a string");

    private static long Integer(Dictionary<string, object?> obj, string name) =>
        obj.TryGetValue(name, out var value) && value is long number ? number : throw new FormatException($"'{name}' is missing or not an integer");
}

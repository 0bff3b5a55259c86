using System.Globalization;
using System.Text;
using System.Text.Json;
using Compression.Engine.Build;
using Compression.Onnx.Model;

namespace Compression.Engine.Reporting;

/// <summary>
/// The compression report of one build, as JSON (the response itself) and as a Markdown table a person reads in the
/// report folder: per model, the profile, recipe, sizes and ratio, and whether the cache answered.
/// </summary>
public static class BuildReport
{
    public const string JsonFile = "compression-report.json";
    public const string MarkdownFile = "compression-report.md";

    public static void Write(string folder, BuildRequest request, BuildResponse response, JsonSerializerOptions json)
    {
        Directory.CreateDirectory(folder);
        AtomicFile.Write(Path.Combine(folder, JsonFile), s => JsonSerializer.Serialize(s, response, json));
        var md = new StringBuilder();
        md.AppendLine(CultureInfo.InvariantCulture, $"# Model compression: {Path.GetFileName(request.ProjectFile)} ({(request.RuntimeIdentifier.Length > 0 ? request.RuntimeIdentifier : "no RID")})");
        md.AppendLine();
        md.AppendLine("| model | profile | recipe | original bytes | compressed bytes | ratio | cache |");
        md.AppendLine("| --- | --- | --- | ---: | ---: | ---: | --- |");
        foreach (var m in response.Models)
            md.AppendLine(CultureInfo.InvariantCulture,
                $"| {m.ItemSpec} | {m.Profile} | {m.Recipe} | {m.OriginalBytes:N0} | {m.CompressedBytes:N0} | {(double)m.OriginalBytes / Math.Max(1, m.CompressedBytes):F2}x | {(m.CacheHit ? "hit" : "compressed")} |");
        foreach (var d in response.Diagnostics)
            md.AppendLine(CultureInfo.InvariantCulture, $"\n- {d.Severity} {d.Code}: {d.File}: {d.Message}");
        AtomicFile.Write(Path.Combine(folder, MarkdownFile), s => { using var w = new StreamWriter(s, new UTF8Encoding(false), leaveOpen: true); w.Write(md.ToString()); });
    }
}

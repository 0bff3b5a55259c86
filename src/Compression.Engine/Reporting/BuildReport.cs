using System.Globalization;
using System.Text;
using System.Text.Json;
using Compression.Engine.Build;
using Compression.Onnx.Model;

namespace Compression.Engine.Reporting;

/// <summary>
/// The compression report, as JSON (the response itself) and as a Markdown table a person reads in the report folder:
/// per model, the profile, recipe, sizes and ratio, fidelity, cost and whether the cache answered. The engine writes
/// one per model run; <c>modelc report</c> merges a build's per-model responses into the report of the whole build.
/// </summary>
internal static class BuildReport
{
    public const string JsonFile = "compression-report.json";
    public const string MarkdownFile = "compression-report.md";

    public static void Write(string folder, BuildRequest request, BuildResponse response, JsonSerializerOptions json) =>
        Write(folder, request.ProjectFile, request.RuntimeIdentifier, response, json);

    public static void Write(string folder, string projectFile, string runtimeIdentifier, BuildResponse response, JsonSerializerOptions json)
    {
        Directory.CreateDirectory(folder);
        AtomicFile.Write(Path.Combine(folder, JsonFile), s => JsonSerializer.Serialize(s, response, json));
        var md = new StringBuilder();
        md.AppendLine(CultureInfo.InvariantCulture, $"# Model compression: {Path.GetFileName(projectFile)} ({(runtimeIdentifier.Length > 0 ? runtimeIdentifier : "no RID")})");
        md.AppendLine();
        md.AppendLine("| model | profile | recipe | original bytes | compressed bytes | ratio | SQNR per output (dB) | top-1 | MACs | weight bytes read | executor ms, original / compressed (build machine) | ONNX Runtime ms at 1 thread, original → compressed (speed-up) | ONNX Runtime ms at all threads, original → compressed (speed-up) | compression ms | cache |");
        md.AppendLine("| --- | --- | --- | ---: | ---: | ---: | --- | --- | ---: | ---: | --- | --- | --- | ---: | --- |");
        foreach (var m in response.Models)
        {
            var f = m.Result.Fidelity;
            var sqnr = f is null ? "not measured" : string.Join(", ", f.Outputs.Select(o => o.SqnrDb is { } db ? db.ToString("F1", CultureInfo.InvariantCulture) : "exact"));
            var top1 = f?.Outputs.FirstOrDefault(o => o.Top1Agreement is not null)?.Top1Agreement is { } t ? $"{t:P1}" : "—";
            var times = f is null ? "—" : FormattableString.Invariant($"{f.OriginalMilliseconds:F1} / {f.CompressedMilliseconds:F1}");
            var latency = m.Result.OnnxRuntime?.Latency;
            var ortOne = latency is null ? "—" : latency.OneThread();
            var ortAll = latency is null ? "—" : $"{latency.AllThreads()} at {latency.Threads} threads";
            md.AppendLine(CultureInfo.InvariantCulture,
                $"| {m.ItemSpec} | {m.Profile} | {m.Recipe} | {m.OriginalBytes:N0} | {m.CompressedBytes:N0} | {(double)m.OriginalBytes / Math.Max(1, m.CompressedBytes):F2}x | {sqnr} | {top1} | {m.Result.Macs:N0} | {m.Result.WeightBytesRead:N0} | {times} | {ortOne} | {ortAll} | {m.Result.CompressionMilliseconds:F0} | {(m.CacheHit ? "hit" : "compressed")} |");
        }
        foreach (var m in response.Models.Where(m => m.Result.OnnxRuntime is not null))
        {
            var runtime = m.Result.OnnxRuntime!;
            md.AppendLine(CultureInfo.InvariantCulture, $"\n{m.ItemSpec}: {runtime.Describe()}.");
            if (runtime.Latency is { } l) md.AppendLine(CultureInfo.InvariantCulture, $"ONNX Runtime latency, original → compressed: {l.Describe()}.");
            else if (runtime.Checked && runtime.Note is { } note) md.AppendLine(CultureInfo.InvariantCulture, $"{note}.");
        }
        foreach (var m in response.Models)
            md.AppendLine(CultureInfo.InvariantCulture, $"\n{m.ItemSpec}: MACs, weight bytes read and activation bytes written ({m.Result.ActivationBytes:N0}) computed with {Compression.Onnx.Summary.InputCostShape.Describe(m.Result.CostShapes)}.");
        foreach (var m in response.Models)
        {
            md.AppendLine(CultureInfo.InvariantCulture, $"\n{m.ItemSpec}, the plan:");
            foreach (var step in m.Result.Plan) md.AppendLine(CultureInfo.InvariantCulture, $"   {step}");
        }
        foreach (var m in response.Models.Where(m => m.Result.Fidelity?.Accuracy is not null))
        {
            var accuracy = m.Result.Fidelity!.Accuracy!;
            md.AppendLine(CultureInfo.InvariantCulture, $"\n{m.ItemSpec}: labelled accuracy {accuracy.CompressedPercent:F1}% against {accuracy.OriginalPercent:F1}% for the original, on {accuracy.Samples} samples.");
        }
        foreach (var m in response.Models.Where(m => m.Result.KeptBack.Count > 0))
            md.AppendLine(CultureInfo.InvariantCulture, $"\n{m.ItemSpec}: the accuracy budget kept back {m.Result.KeptBack.Count} layer(s) at full precision: {string.Join("; ", m.Result.KeptBack)}.");
        if (response.Models.FirstOrDefault(m => m.Result.Fidelity is not null)?.Result.Fidelity is { } first)
            md.AppendLine(CultureInfo.InvariantCulture, $"\nFidelity inputs: {first.Inputs}, {first.Samples} sample(s) per model.");
        foreach (var d in response.Diagnostics)
            md.AppendLine(CultureInfo.InvariantCulture, $"\n- {d.Severity} {d.Code}: {d.File}: {d.Message}");
        AtomicFile.Write(Path.Combine(folder, MarkdownFile), s => { using var w = new StreamWriter(s, new UTF8Encoding(false), leaveOpen: true); w.Write(md.ToString()); });
    }
}

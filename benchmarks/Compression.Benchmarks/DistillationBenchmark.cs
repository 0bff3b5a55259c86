using System.Globalization;
using System.IO.Compression;
using System.Text.Json;
using Compression.Onnx.DataFiles;
using Compression.Onnx.Tensors;
using Compression.Testing;

namespace Compression.Benchmarks;

/// <summary>
/// Issue 17's table: per real model, technique and distillation (none, layerwise), the real CLI
/// (<c>modelc compress MODEL -o OUT --profile none FLAGS --calibration-data CAL --validation-data VAL --report R.json
/// --distillation D</c>) run as a child process, its wall time, CPU time and peak resident memory
/// (<see cref="ChildProcess.MeasureCommandAsync"/>), then in ONNX Runtime on the held-out set the min output SQNR against
/// the original (<see cref="Fidelity.OverDataSetAsync"/>) and the labelled accuracy where the set has labels: the
/// classifier's top-1 from labels.npy, the recognizer's character accuracy (<see cref="TextRecognition"/>).
/// Calibration: samples 0–15 of <see cref="RealDataSets"/> (sentences of <see cref="SentenceDataSets"/> for a text
/// encoder); held-out: samples 16–31. One Markdown table on stdout,
/// a row as each run ends; progress on stderr.
/// </summary>
internal static class DistillationBenchmark
{
    private static readonly string[] DefaultModels = ["paddleocr-cls", "paddleocr-rec", "blazeface-front", "paddleocr-det", "blazeface-back"];

    /// <summary>The techniques of issue 17 as modelc flags on top of the identity profile.</summary>
    private static readonly (string Name, string[] Flags)[] Techniques =
    [
        ("pruning-0.5", ["--pruning", "0.5"]),
        ("pruning-0.5-layer", ["--pruning", "0.5", "--pruning-scope", "layer"]),
        ("pruning-2:4", ["--pruning", "2:4"]),
        ("channels-0.3", ["--pruning", "channels:0.3"]),
        ("sharing-16", ["--weight-sharing", "16"]),
        ("low-rank-0.9", ["--low-rank", "energy:0.9"]),
        ("int8-weight", ["--quantization", "int8-weight"]),
        ("int8-dynamic", ["--quantization", "int8-dynamic"]),
        ("int8", ["--quantization", "int8"]),
        ("int8-mse", ["--quantization", "int8", "--calibration-method", "mse"]),
        ("int4-weight", ["--quantization", "int4-weight"]),
        ("p0.5+s16+brotli", ["--pruning", "0.5", "--weight-sharing", "16", "--packing", "brotli"]),
    ];

    private static readonly string[] Distillations = ["none", "layerwise"];

    public static async Task<int> RunAsync(string[] args)
    {
        var models = new List<string>();
        var techniques = new List<string>();
        var distillations = new List<string>();
        var timeout = TimeSpan.FromMinutes(20);
        var modelc = Path.Combine(TestAssets.RepoRoot, "src", "Compression.Cli", "bin", "Release", "net10.0", "modelc");
        string? keep = null;
        for (var a = 0; a < args.Length; a++)
        {
            switch (args[a])
            {
                case "--model": models.AddRange(args[++a].Split(',')); break;
                case "--technique": techniques.AddRange(args[++a].Split(',')); break;
                case "--distillation": distillations.AddRange(args[++a].Split(',')); break;
                case "--timeout-minutes": timeout = TimeSpan.FromMinutes(double.Parse(args[++a], CultureInfo.InvariantCulture)); break;
                case "--modelc": modelc = Path.GetFullPath(args[++a]); break;
                case "--keep": keep = Path.GetFullPath(args[++a]); break;
                default:
                    Console.Error.WriteLine($"distillation: unknown argument '{args[a]}'. Techniques: {string.Join(", ", Techniques.Select(t => t.Name))}");
                    return 2;
            }
        }
        if (models.Count == 0) models.AddRange(DefaultModels);
        if (distillations.Count == 0) distillations.AddRange(Distillations);
        // NAME=FLAGS names an ad-hoc technique: the modelc flags after '=' split at spaces.
        var custom = techniques.Where(t => t.Contains('=', StringComparison.Ordinal))
            .Select(t => (Name: t[..t.IndexOf('=', StringComparison.Ordinal)], Flags: t[(t.IndexOf('=', StringComparison.Ordinal) + 1)..].Split(' ', StringSplitOptions.RemoveEmptyEntries)))
            .ToArray();
        techniques.RemoveAll(t => t.Contains('=', StringComparison.Ordinal));
        var unknown = techniques.Except(Techniques.Select(t => t.Name)).ToList();
        if (unknown.Count > 0)
        {
            Console.Error.WriteLine($"distillation: no technique {string.Join(", ", unknown)}; known: {string.Join(", ", Techniques.Select(t => t.Name))}, or NAME=FLAGS");
            return 2;
        }
        var chosen = techniques.Count == 0 && custom.Length == 0 ? Techniques : [.. Techniques.Where(t => techniques.Contains(t.Name)), .. custom];
        TestAssets.Require(modelc);

        using var temp = new TempFolder("bench-distillation");
        var work = keep ?? temp.Path;
        Directory.CreateDirectory(work);
        Console.WriteLine($"modelc: {modelc}; calibration: samples 0-15, held-out: samples 16-31 (RealDataSets); ONNX Runtime 1.30 (onnxruntime-node), 1 thread");
        Console.WriteLine("| model | technique | distillation | smaller | min SQNR dB (held-out, ORT) | accuracy % (held-out, ORT) | time s | CPU s | peak MB |");
        Console.WriteLine("| --- | --- | --- | ---: | ---: | ---: | ---: | ---: | ---: |");
        var notes = new List<string>();
        foreach (var name in models)
        {
            var real = TestAssets.RealModel(name);
            var original = real.RequirePath();
            var (calibration, heldOut) = await DataSetsAsync(real, work).ConfigureAwait(false);
            var accuracy = Accuracy(name, heldOut);
            var floatAccuracy = accuracy is null ? "—" : Percent(await accuracy(original, Path.Combine(work, $"{name}-float")).ConfigureAwait(false));
            Console.WriteLine($"| {name} | float (original) | — | 1.00x | — | {floatAccuracy} | — | — | — |");
            foreach (var (technique, flags) in chosen)
            {
                foreach (var distillation in distillations)
                {
                    var stem = Path.Combine(work, $"{name}-{technique.Replace(':', '_')}-{distillation}");
                    Console.Error.WriteLine($"[{DateTime.Now:HH:mm:ss}] {name} {technique} {distillation}");
                    List<string> arguments = ["compress", original, "-o", stem + ".onnx", "--profile", "none", .. flags,
                        "--calibration-data", calibration, "--validation-data", heldOut, "--report", stem + ".json", "--distillation", distillation];
                    var row = $"| {name} | {technique} | {distillation} |";
                    CommandCost cost;
                    try
                    {
                        cost = await ChildProcess.MeasureCommandAsync(modelc, arguments, timeout).ConfigureAwait(false);
                    }
                    catch (TimeoutException)
                    {
                        Console.WriteLine($"{row} stopped after {timeout.TotalMinutes:F0} min | | | | | |");
                        continue;
                    }
                    var costs = FormattableString.Invariant($"{cost.Seconds:F1} | {cost.CpuSeconds:F1} | {cost.PeakBytes / 1048576.0:F0}");
                    if (cost.ExitCode != 0)
                    {
                        Console.WriteLine($"{row} failed (exit {cost.ExitCode}): {LastLine(cost.StandardError)} | | | {costs} |");
                        continue;
                    }
                    var compressed = Unpacked(stem + ".onnx");
                    var shipped = File.Exists(stem + ".onnx.br") ? stem + ".onnx.br" : stem + ".onnx";
                    var ratio = (double)new FileInfo(original).Length / new FileInfo(shipped).Length;
                    var sqnr = (await Fidelity.OverDataSetAsync(original, compressed, heldOut, stem + "-ort").ConfigureAwait(false)).Min(o => o.SqnrDb);
                    var measured = accuracy is null ? "—" : Percent(await accuracy(compressed, stem + "-ort-labels").ConfigureAwait(false));
                    Console.WriteLine(FormattableString.Invariant($"{row} {ratio:F2}x | {sqnr:F2} | {measured} | {costs} |"));
                    if (distillation == "layerwise" && DistillationNote(stem + ".json") is { } note) notes.Add($"- {name} {technique}: {note}");
                }
            }
        }
        if (notes.Count > 0)
        {
            Console.WriteLine();
            Console.WriteLine("What the distill-layerwise step reported:");
            foreach (var note in notes) Console.WriteLine(note);
        }
        return 0;
    }

    /// <summary>
    /// Calibration (samples 0–15) and held-out (16–31) sets: rendered text and photos from <see cref="RealDataSets"/>,
    /// or for a text encoder sentences tokenized with its own vocabulary (<see cref="SentenceDataSets"/>).
    /// </summary>
    private static async Task<(string Calibration, string HeldOut)> DataSetsAsync(RealModel model, string work)
    {
        if (TestAssets.TextEncoders.Contains(model))
            return (SentenceDataSets.Write(model, Path.Combine(work, $"{model.Name}-calibration"), 16),
                SentenceDataSets.Write(model, Path.Combine(work, $"{model.Name}-held-out"), 16, first: 16));
        return (await RealDataSets.GetAsync(model.Name, 16).ConfigureAwait(false),
            await RealDataSets.GetAsync(model.Name, 16, first: 16).ConfigureAwait(false));
    }

    /// <summary>The held-out accuracy of a model (a fraction), or null when the set has no labels.</summary>
    private static Func<string, string, Task<double>>? Accuracy(string model, string heldOut)
    {
        if (File.Exists(Path.Combine(heldOut, TextRecognition.LabelsFile)))
            return async (path, _) => (await TextRecognition.MeasureAsync(path, heldOut).ConfigureAwait(false)).CharacterAccuracy;
        var labelsFile = Path.Combine(heldOut, "labels.npy");
        if (!File.Exists(labelsFile)) return null;
        var labels = TensorData.Read<long>(NpyFile.Read(labelsFile));
        return async (path, folder) =>
        {
            var predicted = await Fidelity.PredictionsAsync(path, heldOut, folder).ConfigureAwait(false);
            return (double)predicted.Zip(labels).Count(p => p.First == p.Second) / labels.Length;
        };
    }

    /// <summary>The ONNX file to run: <paramref name="output"/>, or its Brotli-packed form (OUT.br) decoded beside it.</summary>
    private static string Unpacked(string output)
    {
        if (!File.Exists(output + ".br")) return output;
        using var packed = File.OpenRead(output + ".br");
        using var decoder = new BrotliStream(packed, CompressionMode.Decompress);
        using var model = File.Create(output);
        decoder.CopyTo(model);
        return output;
    }

    /// <summary>The notes of the report's distill-layerwise pass (layers fit, which target won, layer SQNR, time), joined.</summary>
    private static string? DistillationNote(string report)
    {
        using var json = JsonDocument.Parse(File.ReadAllText(report));
        if (!json.RootElement.TryGetProperty("passes", out var passes)) return null;
        var pass = passes.EnumerateArray().FirstOrDefault(p => p.GetProperty("pass").GetString() == "distill-layerwise");
        return pass.ValueKind == JsonValueKind.Object ? string.Join("; ", pass.GetProperty("notes").EnumerateArray().Select(n => n.GetString())) : null;
    }

    private static string Percent(double fraction) => (100 * fraction).ToString("F1", CultureInfo.InvariantCulture);

    private static string LastLine(string text) =>
        (text.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).LastOrDefault() ?? "").Replace("|", "\\|", StringComparison.Ordinal);
}

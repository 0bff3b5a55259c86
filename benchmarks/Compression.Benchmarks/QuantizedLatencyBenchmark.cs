using System.Globalization;
using Compression.Engine.Pipeline;
using Compression.Engine.Recipes;
using Compression.Testing;

namespace Compression.Benchmarks;

/// <summary>
/// What quantization buys at run time: each real model compressed as int8-weight, static int8 (16 calibration
/// samples, and with reduce_range), dynamic int8 and int4-weight (blocks of 32), then the original and each variant
/// timed in ONNX Runtime 1.30 in one run, same input, same session options: median of warm runs at batch 1, and the
/// speed-up over fp32. hello-deepa has no rendered data set (its inputs are speech embeddings no asset produces), so
/// its static int8 calibrates on its one real input.
/// </summary>
internal static class QuantizedLatencyBenchmark
{
    private static readonly string[] Models = ["paddleocr-cls", "paddleocr-det", "blazeface-front", "blazeface-back", "hello-deepa"];

    public static async Task<int> RunAsync(string[] args)
    {
        var iterations = 50;
        var threadCounts = new[] { 1 };
        for (var a = 0; a < args.Length; a++)
        {
            if (args[a] == "--iterations") iterations = int.Parse(args[++a], CultureInfo.InvariantCulture);
            else if (args[a] == "--threads") threadCounts = args[++a].Split(',').Select(t => int.Parse(t, CultureInfo.InvariantCulture)).ToArray();
        }
        var variants = new (string Label, Dictionary<string, string> Options)[]
        {
            ("int8-weight", new() { ["Quantization"] = "int8-weight" }),
            ("int8 static", new() { ["Quantization"] = "int8", ["CalibrationMethod"] = "percentile:99.99" }),
            ("int8 static, reduce range", new() { ["Quantization"] = "int8", ["CalibrationMethod"] = "percentile:99.99", ["ReduceRange"] = "true" }),
            ("int8-dynamic", new() { ["Quantization"] = "int8-dynamic" }),
            ("int4-weight", new() { ["Quantization"] = "int4-weight", ["BlockSize"] = "32" }),
            ("fp16", new() { ["Quantization"] = "fp16" }),
        };
        Console.WriteLine($"ONNX Runtime 1.30 (onnxruntime-node), graph optimization all, median of {iterations} warm runs, batch 1");
        Console.WriteLine("| model | threads | fp32 ms | " + string.Join(" | ", variants.Select(v => $"{v.Label} ms (speed-up)")) + " |");
        Console.WriteLine("| --- | ---: | ---: | " + string.Join(" | ", variants.Select(_ => "---:")) + " |");
        foreach (var name in Models)
        {
            using var temp = new TempFolder("bench-quantized");
            var real = TestAssets.RealModel(name);
            var inputs = temp.CreateFolder("inputs");
            await RealInputs.WriteAsync(name, inputs);
            var calibration = name == "hello-deepa" ? inputs : await RealDataSets.GetAsync(name, 16);
            var files = new List<string>();
            foreach (var (label, options) in variants)
            {
                var file = temp.Combine($"{files.Count}.onnx");
                ModelCompressor.Compress(real.RequirePath(), file, "portable", RecipeOptions.Apply(Recipe.Identity, options), null, calibration);
                files.Add(file);
            }
            foreach (var threads in threadCounts)
            {
                var oracle = new OracleOptions { Threads = threads };
                var fp32 = await OnnxRuntimeOracle.MeasureLatencyAsync(real.RequirePath(), inputs, iterations, 5, oracle);
                var cells = new List<string>();
                foreach (var file in files)
                {
                    var ms = await OnnxRuntimeOracle.MeasureLatencyAsync(file, inputs, iterations, 5, oracle);
                    cells.Add(FormattableString.Invariant($"{ms:F2} ({fp32 / ms:F2}x)"));
                }
                Console.WriteLine(FormattableString.Invariant($"| {name} | {threads} | {fp32:F2} | {string.Join(" | ", cells)} |"));
            }
        }
        return 0;
    }
}

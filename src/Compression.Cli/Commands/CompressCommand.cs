using System.CommandLine;
using System.Text.Json;
using Compression.Engine.Pipeline;
using Compression.Engine.Recipes;
using Compression.Engine.Runtime;
using Compression.Onnx.Model;

namespace Compression.Cli.Commands;

/// <summary>
/// <c>modelc compress MODEL -o OUT [--profile NAME] [--quantization ..] ... [--report FILE.json] [--plan]
/// [--onnxruntime PATH] [--no-onnxruntime-check]</c>: the profile's recipe, with one flag per recipe option overriding
/// it (the same words as the MSBuild metadata); with <c>--plan</c> only the resolved plan is printed. The compressed
/// model is loaded, run and timed in ONNX Runtime before it is written (docs/decisions.md).
/// </summary>
internal static class CompressCommand
{
    public static Command Create(TextWriter stdout, TextWriter stderr)
    {
        var model = new Argument<string>("model") { Description = "The ONNX model file." };
        var output = new Option<string>("--output", "-o") { Description = "Where to write the compressed model.", Required = true };
        var profile = new Option<string>("--profile")
        {
            Description = "The device profile whose recipe applies ('modelc profiles' lists them); 'none' changes nothing.",
            DefaultValueFactory = _ => "portable",
        };
        var report = new Option<string?>("--report") { Description = "Write what was done, as JSON, to this file." };
        var calibration = new Option<string?>("--calibration-data") { Description = "A data-set folder static int8 calibrates on (docs/calibration.md)." };
        var validation = new Option<string?>("--validation-data") { Description = "A data-set folder fidelity is measured on (else seeded synthetic inputs)." };
        var maxLoss = new Option<string?>("--max-accuracy-loss") { Description = "Accuracy budget in points (labels.npy, else top-1 agreement), measured on --validation-data." };
        var minDb = new Option<string?>("--min-fidelity-db") { Description = "SQNR floor in dB for outputs that are not class scores, measured on --validation-data." };
        var planOnly = new Option<bool>("--plan") { Description = "Print the resolved plan (every step, fallback and warning) and write nothing." };
        var onnxRuntime = new Option<string?>("--onnxruntime")
        {
            Description = "The ONNX Runtime that checks and times the compressed model: a native library file (libonnxruntime.so, "
                + "libonnxruntime.dylib, onnxruntime.dll) or a Microsoft.ML.OnnxRuntime package folder. Default: MODELC_ONNXRUNTIME, "
                + $"else Microsoft.ML.OnnxRuntime {OnnxRuntimePin.Version} in the NuGet global packages folder.",
        };
        var noCheck = new Option<bool>("--no-onnxruntime-check") { Description = "Do not load, run or time the compressed model in ONNX Runtime." };
        var inputShapes = new Option<string[]>("--input-shape")
        {
            Description = "A concrete shape for an input with dynamic dimensions, NAME=1,128 (repeatable), for the report's cost figures; else the data set's, else batch 1 and 128.",
            AllowMultipleArgumentsPerToken = false,
        };
        var command = new Command("compress", "Compress a model for a device profile.") { model, output, profile, report, calibration, validation, maxLoss, minDb, planOnly, onnxRuntime, noCheck, inputShapes };
        var flags = RecipeOptions.All.Select(o =>
        {
            var flag = new Option<string?>(o.Flag) { Description = $"Override the profile's {o.Name}: {o.Accepted}." };
            command.Add(flag);
            return (o.Name, flag);
        }).ToList();

        command.SetAction(parse =>
        {
            var overrides = flags
                .Where(f => parse.GetValue(f.flag) is not null)
                .ToDictionary(f => f.Name, f => parse.GetValue(f.flag)!);
            var request = new CompressionRequest(parse.GetRequiredValue(model), parse.GetRequiredValue(output), parse.GetRequiredValue(profile))
            {
                Overrides = overrides,
                CalibrationData = parse.GetValue(calibration),
                ValidationData = parse.GetValue(validation),
                InputShapes = InputShapes.Parse(parse.GetValue(inputShapes) ?? []),
                Budget = Compression.Engine.Budget.AccuracyBudget.Parse(parse.GetValue(maxLoss), parse.GetValue(minDb)),
                OnnxRuntime = parse.GetValue(noCheck) ? OnnxRuntimeOptions.Off("--no-onnxruntime-check")
                    : new OnnxRuntimeOptions(Choice: OnnxRuntimeResolver.ForTool(parse.GetValue(onnxRuntime), $"--onnxruntime {parse.GetValue(onnxRuntime)}", HostPlatform.RuntimeIdentifier)),
            };
            if (parse.GetValue(planOnly))
            {
                var job = ModelCompressor.Prepare(request);
                stdout.WriteLine($"{request.ModelPath}: profile {job.Profile}, recipe {job.Plan.Recipe}");
                foreach (var line in job.Plan.Describe()) stdout.WriteLine(line);
                foreach (var warning in job.Plan.Warnings)
                    stderr.WriteLine($"{request.ModelPath}: warning {warning.Code}: {warning.Message}");
                return ExitCodes.Done;
            }
            var result = ModelCompressor.Compress(request);
            foreach (var kept in result.KeptBack)
                stderr.WriteLine($"{result.Model}: kept back at full precision by the accuracy budget: {kept}");
            foreach (var warning in result.Warnings)
                stderr.WriteLine($"{result.Model}: warning {warning.Code}: {warning.Message}");
            stdout.WriteLine($"{result.Output}: profile {result.Profile} ({result.Recipe}), {result.OriginalBytes:N0} -> {result.CompressedBytes:N0} bytes ({result.Ratio:F2}x)");
            stdout.WriteLine($"{result.Output}: {result.Macs:N0} MACs with {Compression.Onnx.Summary.InputCostShape.Describe(result.CostShapes)}");
            if (result.Packing is { } packing) stdout.WriteLine($"{result.Output}: {packing}");
            if (result.OnnxRuntime is { } runtime)
            {
                stdout.WriteLine($"{result.Output}: {runtime.Describe()}");
                if (runtime.Latency is { } latency) stdout.WriteLine($"{result.Output}: ONNX Runtime latency, original → compressed: {latency.Describe()}");
                else if (runtime.Checked && runtime.Note is { } note) stdout.WriteLine($"{result.Output}: {note}");
            }
            if (parse.GetValue(report) is { } reportPath)
                AtomicFile.Write(reportPath, s => JsonSerializer.Serialize(s, result, CliJson.Options));
            return ExitCodes.Done;
        });
        return command;
    }
}

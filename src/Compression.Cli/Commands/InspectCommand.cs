using System.CommandLine;
using System.Text.Json;
using System.Text.Json.Nodes;
using Compression.Engine.Reporting;
using Compression.Onnx.Checking;
using Compression.Onnx.Model;
using Compression.Onnx.Summary;

namespace Compression.Cli.Commands;

/// <summary><c>modelc inspect MODEL [--json]</c>: the model summary as a table, or as JSON for tools.</summary>
internal static class InspectCommand
{
    public static Command Create(TextWriter stdout)
    {
        var model = new Argument<string>("model") { Description = "The ONNX model file." };
        var json = new Option<bool>("--json") { Description = "Print JSON instead of a table." };
        var inputShapes = new Option<string[]>("--input-shape")
        {
            Description = "A concrete shape for an input with dynamic dimensions, NAME=1,3,640,640 (repeatable); MACs then count every layer.",
            AllowMultipleArgumentsPerToken = false,
        };
        var data = new Option<string?>("--data")
        {
            Description = "A data-set folder (docs/calibration.md layout): inputs with dynamic dimensions take the median shape of its samples for MACs.",
        };
        var command = new Command("inspect", "Summarise a model: parameters, weight bytes, operators, MACs, inputs and outputs.")
        {
            model, json, inputShapes, data,
        };
        command.SetAction(parse =>
        {
            var loaded = OnnxModel.Load(parse.GetRequiredValue(model));
            var shapes = RepresentativeShapes.ForDataSet(loaded, InputShapes.Parse(parse.GetValue(inputShapes) ?? []),
                parse.GetValue(data), Compression.Onnx.Summary.InputCostShape.DataSetSource);
            var summary = ModelInspection.Summarize(loaded, shapes);
            var check = ModelChecker.Check(loaded.Proto);
            if (parse.GetValue(json))
            {
                var node = JsonSerializer.SerializeToNode(summary, CliJson.Options)!.AsObject();
                node["valid"] = check.IsValid;
                // usable: what ONNX Runtime accepts and the engine compresses (only repairable deviations, MCB1302).
                node["usable"] = check.IsUsable;
                node["issues"] = new JsonArray(check.Issues.Select(i => (JsonNode?)JsonValue.Create(i.ToString())).ToArray());
                node["errors"] = new JsonArray(check.Errors.Select(i => (JsonNode?)JsonValue.Create(i.ToString())).ToArray());
                node["repairable"] = new JsonArray(check.Repairable.Select(i => (JsonNode?)JsonValue.Create(i.ToString())).ToArray());
                stdout.WriteLine(node.ToJsonString(CliJson.Options));
            }
            else
            {
                SummaryTable.Write(summary, stdout);
                var (errors, repairable) = (check.Errors, check.Repairable);
                stdout.WriteLine(check.IsValid
                    ? "structural check: passed"
                    : $"structural check: {errors.Count} error(s) (MCB1301, refused), {repairable.Count} repairable deviation(s) (MCB1302, repaired by compress)");
                foreach (var issue in errors.Take(20)) stdout.WriteLine($"  error: {issue}");
                foreach (var issue in repairable.Take(Math.Max(0, 20 - errors.Count))) stdout.WriteLine($"  repairable: {issue}");
            }
            return ExitCodes.Done;
        });
        return command;
    }
}

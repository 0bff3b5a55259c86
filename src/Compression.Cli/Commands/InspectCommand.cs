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
                node["issues"] = new JsonArray(check.Issues.Select(i => (JsonNode?)JsonValue.Create(i.ToString())).ToArray());
                stdout.WriteLine(node.ToJsonString(CliJson.Options));
            }
            else
            {
                SummaryTable.Write(summary, stdout);
                stdout.WriteLine(check.IsValid ? "structural check: passed" : $"structural check: {check.Issues.Count} issue(s)");
                foreach (var issue in check.Issues.Take(20)) stdout.WriteLine($"  {issue}");
            }
            return ExitCodes.Done;
        });
        return command;
    }
}

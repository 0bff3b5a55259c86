using System.CommandLine;
using System.Text.Json;
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
        var command = new Command("inspect", "Summarise a model: parameters, weight bytes, operators, MACs, inputs and outputs.")
        {
            model, json,
        };
        command.SetAction(parse =>
        {
            var summary = ModelSummarizer.Summarize(OnnxModel.Load(parse.GetRequiredValue(model)).Proto);
            if (parse.GetValue(json))
                stdout.WriteLine(JsonSerializer.Serialize(summary, CliJson.Options));
            else
                SummaryTable.Write(summary, stdout);
            return ExitCodes.Done;
        });
        return command;
    }
}

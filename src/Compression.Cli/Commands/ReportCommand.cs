using System.CommandLine;
using System.Text.Json;
using Compression.Engine.Build;
using Compression.Engine.Reporting;
using Compression.Onnx.Diagnostics;

namespace Compression.Cli.Commands;

/// <summary>
/// <c>modelc report --project P [--rid R] --out DIR RESPONSE...</c>: merges the responses of one build's per-model
/// engine runs into the build's compression report (compression-report.json and .md in DIR). The MSBuild targets run
/// it after compression, only when a response or the list of models changed.
/// </summary>
internal static class ReportCommand
{
    public static Command Create()
    {
        var project = new Option<string>("--project") { Description = "The project the report is for (its title).", Required = true };
        var rid = new Option<string>("--rid") { Description = "The build's RuntimeIdentifier, if any.", DefaultValueFactory = _ => "" };
        var output = new Option<string>("--out") { Description = "The report folder.", Required = true };
        var responses = new Argument<string[]>("responses") { Description = "The per-model response files (modelc build --response).", Arity = ArgumentArity.ZeroOrMore };
        var command = new Command("report", "Merge per-model build responses into one compression report.") { project, rid, output, responses };
        command.SetAction(parse =>
        {
            var merged = BuildResponse.Merge(parse.GetValue(responses)!.Select(Read));
            BuildReport.Write(parse.GetRequiredValue(output), parse.GetRequiredValue(project), parse.GetValue(rid) ?? "", merged, CliJson.Options);
            return ExitCodes.Done;
        });
        return command;
    }

    private static BuildResponse Read(string path)
    {
        try
        {
            var response = JsonSerializer.Deserialize<BuildResponse>(File.ReadAllText(path), CliJson.Options)
                ?? throw new JsonException("the response is empty");
            if (response.Models.Any(m => m?.Result is null))
                throw new JsonException("a model entry has no result");
            return response;
        }
        catch (Exception e) when (e is JsonException or IOException or UnauthorizedAccessException)
        {
            throw new CompressionException("MCB0002", $"the build response cannot be read: {e.Message}", path);
        }
    }
}

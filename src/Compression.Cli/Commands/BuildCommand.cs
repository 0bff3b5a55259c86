using System.CommandLine;
using System.Text.Json;
using Compression.Engine.Build;
using Compression.Engine.Reporting;
using Compression.Onnx.Diagnostics;
using Compression.Onnx.Model;

namespace Compression.Cli.Commands;

/// <summary>
/// <c>modelc build --request FILE --response FILE</c>: the entry point the MSBuild task runs (docs/build-protocol.md).
/// Per-model failures go into the response as diagnostics (exit 0); an unusable request is exit 2.
/// </summary>
internal static class BuildCommand
{
    public static Command Create()
    {
        var requestPath = new Option<string>("--request") { Description = "The request written by the MSBuild task.", Required = true };
        var responsePath = new Option<string>("--response") { Description = "Where to write the response.", Required = true };
        var command = new Command("build", "Compress the models of one project build (used by the Compression.Build MSBuild task).") { requestPath, responsePath };
        command.SetAction((parse, cancellation) =>
        {
            var path = parse.GetRequiredValue(requestPath);
            BuildRequest request;
            try
            {
                request = JsonSerializer.Deserialize<BuildRequest>(File.ReadAllText(path), CliJson.Options)
                    ?? throw new JsonException("the request is empty");
            }
            catch (Exception e) when (e is JsonException or IOException or UnauthorizedAccessException)
            {
                throw new CompressionException("MCB0002", $"the build request cannot be read: {e.Message}", path);
            }
            var response = BuildRunner.Run(request, cancellation);
            AtomicFile.Write(parse.GetRequiredValue(responsePath), s => JsonSerializer.Serialize(s, response, CliJson.Options));
            if (request.ReportDirectory.Length > 0) BuildReport.Write(request.ReportDirectory, request, response, CliJson.Options);
            return Task.FromResult(ExitCodes.Done);
        });
        return command;
    }
}

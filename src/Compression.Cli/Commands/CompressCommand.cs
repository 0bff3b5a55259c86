using System.CommandLine;
using Compression.Engine.Pipeline;

namespace Compression.Cli.Commands;

/// <summary><c>modelc compress MODEL -o OUT [--profile NAME]</c>.</summary>
internal static class CompressCommand
{
    public static Command Create()
    {
        var model = new Argument<string>("model") { Description = "The ONNX model file." };
        var output = new Option<string>("--output", "-o") { Description = "Where to write the compressed model.", Required = true };
        var profile = new Option<string>("--profile")
        {
            Description = "The device profile whose recipe applies; 'none' loads and saves the model unchanged.",
            DefaultValueFactory = _ => ModelCompressor.IdentityProfile,
        };
        var command = new Command("compress", "Compress a model for a device profile.") { model, output, profile };
        command.SetAction(parse =>
        {
            ModelCompressor.Compress(new CompressionRequest(
                parse.GetRequiredValue(model), parse.GetRequiredValue(output), parse.GetRequiredValue(profile)));
            return ExitCodes.Done;
        });
        return command;
    }
}

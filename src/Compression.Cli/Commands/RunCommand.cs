using System.CommandLine;
using System.Globalization;
using Compression.Evaluation.DataSets;
using Compression.Evaluation.Execution;
using Compression.Evaluation.Tensors;
using Compression.Onnx.Model;

namespace Compression.Cli.Commands;

/// <summary>
/// <c>modelc run MODEL --inputs DIR --outputs DIR [--threads N]</c>: runs the model on the managed executor. Inputs
/// are matched by file name (<see cref="InputFiles"/>); outputs are written as output_&lt;i&gt;.npy in graph output
/// order, one line per output on stdout.
/// </summary>
internal static class RunCommand
{
    public static Command Create(TextWriter stdout)
    {
        var model = new Argument<string>("model") { Description = "The ONNX model file." };
        var inputs = new Option<string>("--inputs")
        {
            Description = "Folder of input tensors: input_<i>.npy/.pb by position or <name>.npy/.pb by input name.",
            Required = true,
        };
        var outputs = new Option<string>("--outputs") { Description = "Folder to write output_<i>.npy into.", Required = true };
        var threads = new Option<int>("--threads")
        {
            Description = "Threads the executor may use; results are identical for any count.",
            DefaultValueFactory = _ => 1,
        };
        threads.Validators.Add(result =>
        {
            if (result.GetValueOrDefault<int>() < 1) result.AddError("--threads must be at least 1.");
        });
        var command = new Command("run", "Run a model on the managed, deterministic executor.") { model, inputs, outputs, threads };
        command.SetAction(parse =>
        {
            var loaded = OnnxModel.Load(parse.GetRequiredValue(model));
            var executor = new ModelExecutor(loaded, new ExecutorOptions { Threads = parse.GetValue(threads) });
            var feeds = executor.Inputs.Select(name => loaded.Graph.Input.First(i => i.Name == name)).ToList();
            var values = InputFiles.Load(parse.GetRequiredValue(inputs), feeds);
            var results = executor.Run(values);
            var paths = OutputFiles.Write(parse.GetRequiredValue(outputs), executor.Outputs, results);
            for (var i = 0; i < paths.Count; i++)
            {
                var tensor = results[executor.Outputs[i]];
                stdout.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"{Path.GetFileName(paths[i])}  {executor.Outputs[i]}  {tensor.ElementType.ToString().ToLowerInvariant()}{ShapeMath.Format(tensor.Shape)}"));
            }
            return ExitCodes.Done;
        });
        return command;
    }
}

using Compression.Evaluation.DataSets;
using Compression.Evaluation.Execution;
using Compression.Evaluation.Tensors;
using Compression.Onnx.Model;
using Compression.Testing;

namespace Compression.Evaluation.Tests.RealModels;

/// <summary>One real model run on the executor over its real inputs (shared by the fidelity and determinism tests).</summary>
internal static class RealModelRun
{
    /// <summary>Writes the model's real inputs into <paramref name="folder"/>; returns the model's path.</summary>
    public static async Task<string> PrepareAsync(string name, string folder)
    {
        var model = TestAssets.RealModel(name).RequirePath();
        await RealInputs.WriteAsync(name, folder);
        return model;
    }

    /// <summary>Runs the model in process on the inputs in <paramref name="inputs"/>; outputs in graph order.</summary>
    public static (IReadOnlyList<string> Names, IReadOnlyDictionary<string, Tensor> Outputs) Run(string model, string inputs, int threads)
    {
        var loaded = OnnxModel.Load(model);
        var executor = new ModelExecutor(loaded, new ExecutorOptions { Threads = threads });
        var feeds = executor.Inputs.Select(n => loaded.Graph.Input.First(i => i.Name == n)).ToList();
        return (executor.Outputs, executor.Run(InputFiles.Load(inputs, feeds)));
    }
}

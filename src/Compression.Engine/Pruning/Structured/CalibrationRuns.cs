using Compression.Evaluation.DataSets;
using Compression.Evaluation.Execution;
using Compression.Evaluation.Tensors;
using Compression.Onnx.Model;
using Compression.Onnx.Protobuf;

namespace Compression.Engine.Pruning.Structured;

/// <summary>
/// The executor runs structured pruning needs over the calibration data: channel energies of the unpruned model, and
/// for the refit, per sample, the original layers' outputs then the pruned model's inputs to the same layers. Samples
/// run in ordinal order; the executor's threads change no value.
/// </summary>
internal static class CalibrationRuns
{
    public static IReadOnlyDictionary<string, double[]> Energies(ModelProto model, string? sourcePath, string dataSet, int threads, IReadOnlySet<string> values)
    {
        var (executor, feeds) = Executor(model, sourcePath, threads);
        var collector = new ChannelEnergyCollector(values);
        foreach (var sample in DataSet.SampleFolders(dataSet)) executor.Run(InputFiles.Load(sample, feeds), collector);
        return collector.MeanSquares();
    }

    public static void Refit(ModelProto reference, ModelProto pruned, string? sourcePath, string dataSet, int threads, IReadOnlyList<LayerRefit> refits)
    {
        var (original, originalFeeds) = Executor(reference, sourcePath, threads);
        var (shrunk, shrunkFeeds) = Executor(pruned, sourcePath, threads);
        var targets = new Copies(refits.Select(r => r.Layer.Output).ToHashSet(StringComparer.Ordinal));
        var byInput = refits.GroupBy(r => r.Layer.Input, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.ToList(), StringComparer.Ordinal);
        var accumulate = new Accumulate(byInput, targets);
        foreach (var sample in DataSet.SampleFolders(dataSet))
        {
            targets.Clear();
            original.Run(InputFiles.Load(sample, originalFeeds), targets);
            shrunk.Run(InputFiles.Load(sample, shrunkFeeds), accumulate);
        }
    }

    private static (ModelExecutor Executor, List<ValueInfoProto> Feeds) Executor(ModelProto model, string? sourcePath, int threads)
    {
        // A copy: the executor may prepare what it runs, and the pass goes on changing the model.
        var onnx = OnnxModel.FromProto(model.Clone(), sourcePath);
        var executor = new ModelExecutor(onnx, new ExecutorOptions { Threads = Math.Max(1, threads) });
        return (executor, executor.Inputs.Select(n => onnx.Graph.Input.First(i => i.Name == n)).ToList());
    }

    /// <summary>Keeps copies of named values of one run (an observed tensor's buffer is reused after the call).</summary>
    private sealed class Copies(IReadOnlySet<string> names) : IExecutionObserver
    {
        private readonly Dictionary<string, Tensor> _values = new(StringComparer.Ordinal);

        public Tensor? Get(string name) => _values.GetValueOrDefault(name);

        public void Clear() => _values.Clear();

        public void Observe(string name, Tensor value, NodeProto? producer)
        {
            if (names.Contains(name)) _values[name] = Tensor.Create(value.Shape.ToArray(), value.ToArray<float>());
        }
    }

    /// <summary>Feeds each refit the pruned model's input as it is produced, with the original output kept from the first run.</summary>
    private sealed class Accumulate(Dictionary<string, List<LayerRefit>> byInput, Copies targets) : IExecutionObserver
    {
        public void Observe(string name, Tensor value, NodeProto? producer)
        {
            if (!byInput.TryGetValue(name, out var refits)) return;
            foreach (var refit in refits)
                if (targets.Get(refit.Layer.Output) is { } target) refit.Accumulate(value, target);
        }
    }
}

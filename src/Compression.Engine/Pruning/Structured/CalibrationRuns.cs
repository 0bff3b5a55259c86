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
    /// <param name="lastAxis">Energies per feature of the last axis (transformer activations) instead of per channel (axis 1).</param>
    public static IReadOnlyDictionary<string, double[]> Energies(ModelProto model, string? sourcePath, string dataSet, int threads, IReadOnlySet<string> values,
        bool lastAxis = false)
    {
        var (executor, feeds) = Executor(model, sourcePath, threads);
        var collector = new ChannelEnergyCollector(values, lastAxis);
        foreach (var sample in DataSet.SampleFolders(dataSet)) executor.Run(InputFiles.Load(sample, feeds), collector);
        return collector.MeanSquares();
    }

    /// <summary>
    /// Feeds each refit, per sample, the unpruned model's input to its layer restricted to the channels it keeps, and
    /// the unpruned layer's output. The input is the original's, not the pruned model's: every layer upstream is refit
    /// toward its original outputs too, so the original is what the kept channels approximate once all refits are in.
    /// (Measured on PaddleOCR's detector: fitting on the pruned model's inputs made each layer better alone, 5.7 →
    /// 19.0 dB, and the chain worse, 7.7 → −3.2 dB end to end, since every layer learned to undo an error its refit
    /// predecessor no longer makes.)
    /// </summary>
    public static void Refit(ModelProto reference, string? sourcePath, string dataSet, int threads, IReadOnlyList<LayerRefit> refits,
        IReadOnlyDictionary<string, int[]> kept)
    {
        var names = refits.SelectMany(r => new[] { r.Layer.Output, r.Layer.Input }).ToHashSet(StringComparer.Ordinal);
        ForEachSample(reference, sourcePath, dataSet, threads, names, (_, value) =>
        {
            foreach (var refit in refits)
            {
                if (value(refit.Layer.Input) is not { } input || value(refit.Layer.Output) is not { } target) continue;
                refit.Accumulate(Keep(input, kept[refit.Layer.Input]), target);
            }
        });
    }

    /// <summary>
    /// Runs the unpruned model on every sample, in ordinal order, and hands <paramref name="use"/> the sample's index
    /// and copies of the named values (null where a value was not computed).
    /// </summary>
    public static void ForEachSample(ModelProto reference, string? sourcePath, string dataSet, int threads, IReadOnlySet<string> names,
        Action<int, Func<string, Tensor?>> use)
    {
        var (original, feeds) = Executor(reference, sourcePath, threads);
        var values = new Copies(names);
        var samples = DataSet.SampleFolders(dataSet);
        for (var s = 0; s < samples.Count; s++)
        {
            values.Clear();
            original.Run(InputFiles.Load(samples[s], feeds), values);
            use(s, values.Get);
        }
    }

    /// <summary>The channels (axis 1) <paramref name="keep"/> names, in order.</summary>
    private static Tensor Keep(Tensor value, int[] keep)
    {
        var dims = value.Shape.Select(d => (long)d).ToArray();
        var data = ChannelSlicing.Slice(value.ReadOnlySpan<float>(), dims, 1, keep);
        return Tensor.Create(dims.Select(d => (int)d).ToArray(), data);
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
}

using Compression.Evaluation.DataSets;
using Compression.Evaluation.Execution;
using Compression.Evaluation.Tensors;
using Compression.Onnx.Graph;
using Compression.Onnx.Model;
using Compression.Onnx.Protobuf;

namespace Compression.Engine.Distillation;

/// <summary>
/// A model cut down to what computes a few of its values: those values become its outputs and every node they do not
/// depend on is dropped, so the fit of one wave of layers runs only the part of the network in front of it.
/// </summary>
internal sealed class TruncatedRun
{
    private readonly ModelExecutor _executor;
    private readonly List<ValueInfoProto> _feeds;

    public TruncatedRun(ModelProto model, string? sourcePath, IReadOnlyCollection<string> values, int threads)
    {
        var copy = model.Clone();
        var graph = copy.Graph;
        var index = new GraphIndex(graph);
        var needed = new HashSet<NodeProto>(ReferenceEqualityComparer.Instance);
        var pending = new Stack<string>(values);
        var seen = new HashSet<string>(StringComparer.Ordinal);
        while (pending.Count > 0)
        {
            var value = pending.Pop();
            if (!seen.Add(value) || index.ProducerOf(value) is not { } producer || !needed.Add(producer)) continue;
            foreach (var input in producer.Input.Concat(index.ImplicitInputsOf(producer)))
                if (input.Length > 0) pending.Push(input);
        }
        var kept = graph.Node.Where(needed.Contains).ToList();
        graph.Node.Clear();
        graph.Node.AddRange(kept);
        graph.Output.Clear();
        graph.Output.AddRange(values.Select(v => new ValueInfoProto { Name = v }));
        var onnx = OnnxModel.FromProto(copy, sourcePath);
        _executor = new ModelExecutor(onnx, new ExecutorOptions { Threads = Math.Max(1, threads) });
        _feeds = _executor.Inputs.Select(n => onnx.Graph.Input.First(i => i.Name == n)).ToList();
    }

    /// <summary>The values for one sample folder of a data set.</summary>
    public IReadOnlyDictionary<string, Tensor> Run(string sample) => _executor.Run(InputFiles.Load(sample, _feeds));
}

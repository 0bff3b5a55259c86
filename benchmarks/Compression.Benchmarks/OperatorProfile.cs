using System.Diagnostics;
using Compression.Evaluation.Execution;
using Compression.Evaluation.Tensors;
using Compression.Onnx.Protobuf;

namespace Compression.Benchmarks;

/// <summary>
/// Time per operator type, measured as the wall time between consecutive node outputs (a node's first output is
/// charged the time since the previous node finished). Observing adds a callback per value, so totals run slightly
/// above the plain latency; the split is what matters.
/// </summary>
internal sealed class OperatorProfile : IExecutionObserver
{
    private readonly Stopwatch _watch = Stopwatch.StartNew();
    private readonly Dictionary<string, (double Ms, int Count)> _byOperator = new(StringComparer.Ordinal);
    private NodeProto? _last;
    private TimeSpan _mark;

    public void Start()
    {
        _last = null;
        _mark = _watch.Elapsed;
    }

    public void Observe(string name, Tensor value, NodeProto? producer)
    {
        var now = _watch.Elapsed;
        if (producer is not null && !ReferenceEquals(producer, _last))
        {
            var key = producer.OpType;
            var (ms, count) = _byOperator.GetValueOrDefault(key);
            _byOperator[key] = (ms + (now - _mark).TotalMilliseconds, count + 1);
            _last = producer;
        }
        _mark = _watch.Elapsed;
    }

    /// <summary>Operators by total time, divided over <paramref name="runs"/>.</summary>
    public IEnumerable<string> Lines(int runs) =>
        _byOperator.OrderByDescending(e => e.Value.Ms)
            .Select(e => FormattableString.Invariant($"    {e.Key,-22} {e.Value.Ms / runs,8:F3} ms  ({e.Value.Count / runs} nodes)"));
}

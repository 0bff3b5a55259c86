using Compression.Onnx.Diagnostics;
using Compression.Onnx.Protobuf;

namespace Compression.Onnx.Graph;

/// <summary>
/// The node order the index reports and the editor restores: every node after the producers of what it reads, ties
/// in file order. Kahn's algorithm over positions with a min-queue keeps the file's order wherever it is valid, so the
/// result is deterministic and equal to the file order for an already sorted graph (which ONNX requires).
/// </summary>
internal static class TopologicalSort
{
    public static List<NodeProto> Order(GraphProto graph, Func<NodeProto, IEnumerable<string>> inputsOf, Func<string, NodeProto?> producerOf)
    {
        var nodes = graph.Node;
        var position = new Dictionary<NodeProto, int>(ReferenceEqualityComparer.Instance);
        for (var i = 0; i < nodes.Count; i++) position[nodes[i]] = i;
        var pending = new int[nodes.Count];
        var dependents = new List<int>[nodes.Count];
        for (var i = 0; i < nodes.Count; i++) dependents[i] = [];
        for (var i = 0; i < nodes.Count; i++)
        {
            foreach (var input in inputsOf(nodes[i]).Distinct(StringComparer.Ordinal))
            {
                if (input.Length == 0 || producerOf(input) is not { } producer || !position.TryGetValue(producer, out var p)) continue;
                if (p == i) continue;
                dependents[p].Add(i);
                pending[i]++;
            }
        }
        var ready = new PriorityQueue<int, int>();
        for (var i = 0; i < nodes.Count; i++)
            if (pending[i] == 0) ready.Enqueue(i, i);
        var order = new List<NodeProto>(nodes.Count);
        while (ready.TryDequeue(out var i, out _))
        {
            order.Add(nodes[i]);
            foreach (var d in dependents[i])
                if (--pending[d] == 0) ready.Enqueue(d, d);
        }
        if (order.Count != nodes.Count)
        {
            var stuck = nodes.Where((_, i) => pending[i] > 0).Select(n => string.IsNullOrEmpty(n.Name) ? n.OpType : n.Name).Take(3);
            throw new CompressionException(ErrorCodes.ModelCheckFailed,
                $"graph '{graph.Name}' has a cycle through {string.Join(", ", stuck)}.");
        }
        return order;
    }
}

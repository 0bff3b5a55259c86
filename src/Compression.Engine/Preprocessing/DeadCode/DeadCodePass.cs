using Compression.Engine.Pipeline;
using Compression.Onnx.Editing;
using Compression.Onnx.Graph;
using Compression.Onnx.Protobuf;

namespace Compression.Engine.Preprocessing.DeadCode;

/// <summary>
/// Removes what no graph output depends on: nodes whose outputs nobody reads (after folding, the Constant and shape
/// nodes that fed folded ones), initializers no node reads, and the declared types of values that no longer exist.
/// Every graph is cleaned, subgraphs too; a value a subgraph reads from outside keeps its producer alive. Graph inputs
/// are the model's interface and stay even when unread (callers feed inputs by position), and so do initializers that
/// double as graph inputs.
/// </summary>
internal sealed class DeadCodePass : IPreprocessingPass
{
    public string Name => "remove-dead";

    public PassReport Apply(ModelProto model)
    {
        var bytesBefore = ConstantBytes.Of(model);
        var removedOps = new SortedDictionary<string, int>(StringComparer.Ordinal);
        var initializers = 0;
        bool changed;
        do
        {
            // Cleaning a subgraph can leave an outer value unread; the next round, on a fresh index, sees that.
            changed = false;
            foreach (var graph in new ModelIndex(model).AllGraphs.ToList())
            {
                var (nodes, inits) = Clean(graph, removedOps);
                initializers += inits;
                changed |= nodes + inits > 0;
            }
        } while (changed);

        var nodeCount = removedOps.Values.Sum();
        return new PassReport(Name, initializers, bytesBefore, ConstantBytes.Of(model),
        [
            $"{nodeCount} unread nodes removed" + (nodeCount == 0 ? "" : ": " + string.Join(", ", removedOps.Select(p => $"{p.Key} ×{p.Value}"))),
            $"{initializers} unread initializers removed",
        ]);
    }

    private static (int Nodes, int Initializers) Clean(GraphIndex graph, SortedDictionary<string, int> removedOps)
    {
        var proto = graph.Graph;
        // Walk back from the outputs: a node is live when something live reads one of its outputs.
        var read = proto.Output.Select(o => o.Name).ToHashSet(StringComparer.Ordinal);
        var live = new HashSet<NodeProto>(ReferenceEqualityComparer.Instance);
        foreach (var node in graph.TopologicalOrder.Reverse())
        {
            if (!node.Output.Any(o => o.Length > 0 && read.Contains(o))) continue;
            live.Add(node);
            read.UnionWith(node.Input.Where(i => i.Length > 0));
            read.UnionWith(graph.ImplicitInputsOf(node));
        }

        var removed = new HashSet<string>(StringComparer.Ordinal);
        var deadNodes = proto.Node.Where(n => !live.Contains(n)).ToList();
        foreach (var node in deadNodes)
        {
            proto.Node.Remove(node);
            removed.UnionWith(node.Output);
            removedOps[node.OpType] = removedOps.GetValueOrDefault(node.OpType) + 1;
        }
        var inputs = proto.Input.Select(i => i.Name).ToHashSet(StringComparer.Ordinal);
        var deadInitializers = proto.Initializer.Where(t => !read.Contains(t.Name) && !inputs.Contains(t.Name)).ToList();
        foreach (var tensor in deadInitializers)
        {
            proto.Initializer.Remove(tensor);
            removed.Add(tensor.Name);
        }
        foreach (var info in proto.ValueInfo.Where(v => removed.Contains(v.Name)).ToList()) proto.ValueInfo.Remove(info);
        return (deadNodes.Count, deadInitializers.Count);
    }
}

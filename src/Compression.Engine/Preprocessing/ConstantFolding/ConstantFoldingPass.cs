using Compression.Engine.Pipeline;
using Compression.Evaluation.Execution;
using Compression.Evaluation.Inference;
using Compression.Evaluation.Tensors;
using Compression.Onnx.Diagnostics;
using Compression.Onnx.Editing;
using Compression.Onnx.Graph;
using Compression.Onnx.Protobuf;
using Compression.Onnx.Tensors;
using DataType = Compression.Onnx.Protobuf.TensorProto.Types.DataType;

namespace Compression.Engine.Preprocessing.ConstantFolding;

/// <summary>
/// Replaces the nodes of the main graph whose inputs are all constant with their values, computed by the executor's own
/// kernels: Constant nodes become initializers under their output names, and so do the results of nodes over constants
/// and of Shape/Size over statically shaped tensors (<see cref="StaticShapes"/>), so shape chains of exported models
/// fold away where the shapes are static. Left in place: quantization, random and subgraph-holding nodes
/// (<see cref="FoldingRules"/>), results over the size rule (<see cref="ConstantFoldingOptions"/>), nodes that produce
/// a graph output, and nodes no kernel computes. Before IR 4 folded values become Constant nodes instead
/// (<see cref="ConstantStorage"/>). Inputs a folded node no longer needs are left to the dead-code pass.
/// </summary>
internal sealed class ConstantFoldingPass(ConstantFoldingOptions? options = null) : IPreprocessingPass
{
    private readonly ConstantFoldingOptions _options = options ?? new ConstantFoldingOptions();

    public string Name => "fold-constants";

    public PassReport Apply(ModelProto model)
    {
        var bytesBefore = ConstantBytes.Of(model);
        var index = new ModelIndex(model);
        var graph = index.Main;
        var shapes = StaticShapes.Infer(index);
        var table = new ConstantTable(model, graph);
        var useInitializers = ConstantStorage.UsesInitializers(model);
        var graphOutputs = graph.Graph.Output.Select(o => o.Name).ToHashSet(StringComparer.Ordinal);
        var folded = new HashSet<NodeProto>(ReferenceEqualityComparer.Instance);
        var foldedOps = new SortedDictionary<string, int>(StringComparer.Ordinal);
        var kept = new SortedDictionary<string, int>(StringComparer.Ordinal);

        foreach (var node in graph.TopologicalOrder)
        {
            var (isConstant, reason) = Evaluate(index, node, table, shapes);
            if (!isConstant)
            {
                if (reason is not null) Count(kept, $"{node.OpType}: {reason}");
                continue;
            }
            // The value stays known to the nodes after it even where this node itself stays in the graph.
            if (node.Output.Any(graphOutputs.Contains))
            {
                Count(kept, $"{node.OpType}: produces a graph output");
                continue;
            }
            if (!useInitializers && IsConstantNode(node)) continue; // before IR 4 a Constant node is already the stored form
            folded.Add(node);
            Count(foldedOps, node.OpType);
        }

        var written = Rewrite(model, graph, folded, table, useInitializers);
        var notes = new List<string>
        {
            $"{folded.Count} nodes folded into {written} {(useInitializers ? "initializers" : "Constant nodes (IR < 4)")}"
            + (foldedOps.Count == 0 ? "" : ": " + string.Join(", ", foldedOps.Select(p => $"{p.Key} ×{p.Value}"))),
        };
        notes.AddRange(kept.Select(p => $"kept {p.Value}× {p.Key}"));
        return new PassReport(Name, written, bytesBefore, ConstantBytes.Of(model), notes);
    }

    /// <summary>
    /// Computes a node's outputs into <paramref name="table"/> when they are constant; otherwise says why not when its
    /// inputs were all constant (a node over computed values needs no reason).
    /// </summary>
    private (bool IsConstant, string? Reason) Evaluate(ModelIndex index, NodeProto node, ConstantTable table,
        IReadOnlyDictionary<string, ValueInfo> shapes)
    {
        if (IsConstantNode(node) && node.GetTensor("value") is { } stored)
        {
            // Kept as stored, byte for byte, whatever its element type.
            table.AddStored(node.Output[0], stored);
            return (true, null);
        }
        var named = node.Input.Where(n => n.Length > 0).ToList();
        if (node.OpType is "Shape" or "Size" && FoldingRules.NeverFold(node) is null && named.Count == 1 && !table.Contains(named[0]))
        {
            if (StaticShapes.Evaluate(node, shapes.GetValueOrDefault(named[0])) is not { } shape) return (false, null);
            table.Add(node.Output[0], shape);
            return (true, null);
        }
        if (!named.All(table.Contains)) return (false, null);
        if (FoldingRules.NeverFold(node) is { } never) return (false, never);

        var inputs = node.Input.Select(n => n.Length > 0 ? table.Value(n) : null).ToArray();
        if (named.Any(n => table.Value(n) is null)) return (false, "an input's element type is one the executor does not compute");
        Tensor?[]? outputs;
        try
        {
            outputs = NodeEvaluator.TryEvaluate(index, node, inputs);
        }
        catch (CompressionException)
        {
            // The kernel refused these inputs (the model would fail at run time there too): leave the node to the runtime.
            return (false, "the kernel refused its inputs");
        }
        if (outputs is null) return (false, "no kernel for it at the model's opset");
        for (var i = 0; i < node.Output.Count; i++)
            if (node.Output[i].Length > 0 && (i >= outputs.Length || outputs[i] is null)) return (false, "an output was not computed");

        var inputBytes = inputs.Sum(t => t is null ? 0 : Bytes(t));
        var outputBytes = node.Output.Select((n, i) => n.Length > 0 ? Bytes(outputs[i]!) : 0).Sum();
        if (_options.TooLarge(inputBytes, outputBytes))
            return (false, $"result over the size rule (> {_options.MaxGrowthFactor}× its inputs and > {_options.MaxGrowthBytes} bytes)");
        for (var i = 0; i < node.Output.Count; i++)
            if (node.Output[i].Length > 0) table.Add(node.Output[i], outputs[i]!);
        return (true, null);
    }

    /// <summary>
    /// Drops the folded nodes and stores each of their outputs that a remaining node (or subgraph) still reads; values
    /// only folded nodes read vanish with them. Returns how many constants were written.
    /// </summary>
    private static int Rewrite(ModelProto model, GraphIndex graph, HashSet<NodeProto> folded, ConstantTable table, bool useInitializers)
    {
        if (folded.Count == 0) return 0;
        var names = new UniqueNames(model);
        var nodes = new List<NodeProto>(graph.Graph.Node.Count);
        var written = 0;
        var dropped = new HashSet<string>(StringComparer.Ordinal);
        foreach (var node in graph.Graph.Node)
        {
            if (!folded.Contains(node))
            {
                nodes.Add(node);
                continue;
            }
            foreach (var output in node.Output)
            {
                if (output.Length == 0) continue;
                if (graph.ConsumersOf(output).All(folded.Contains))
                {
                    dropped.Add(output);
                    continue;
                }
                var tensor = table.Stored(output)?.Clone() ?? TensorConversion.ToProto(table.Value(output)!, output);
                tensor.Name = output;
                // Before IR 4 the value takes the folded node's place, which keeps the node order topological.
                if (useInitializers) graph.Graph.Initializer.Add(tensor);
                else nodes.Add(ConstantStorage.ConstantNode(tensor, names.Next($"{(node.Name.Length > 0 ? node.Name : output)}_folded")));
                written++;
            }
        }
        graph.Graph.Node.Clear();
        graph.Graph.Node.Add(nodes);
        // A declared type for a value that no longer exists would describe nothing (and confuse the next reader).
        foreach (var info in graph.Graph.ValueInfo.Where(v => dropped.Contains(v.Name)).ToList()) graph.Graph.ValueInfo.Remove(info);
        return written;
    }

    private static bool IsConstantNode(NodeProto node) =>
        node.OpType == "Constant" && ModelIndex.NormalizeDomain(node.Domain).Length == 0;

    private static long Bytes(Tensor tensor) =>
        tensor.ElementType == DataType.String
            ? tensor.ReadOnlySpan<string>().ToArray().Sum(s => (long)s.Length)
            : ElementTypes.RawByteCount(tensor.ElementType, tensor.Length);

    private static void Count(SortedDictionary<string, int> counts, string key) => counts[key] = counts.GetValueOrDefault(key) + 1;
}

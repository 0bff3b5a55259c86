using Compression.Evaluation.Inference;
using Compression.Evaluation.Operators;
using Compression.Onnx.Diagnostics;
using Compression.Onnx.Editing;
using Compression.Onnx.Graph;
using Compression.Onnx.Protobuf;

namespace Compression.Engine.Preprocessing.OpsetConversion;

/// <summary>
/// Raises a model's default-domain opset, converting every operator whose behaviour changed on the way (per-channel
/// QuantizeLinear/DequantizeLinear need opset 13, int4 needs 21). Each operator's path from the version it runs at
/// today to the version it will run at is walked one changed version at a time; every step must be known: either
/// compatible as it stands (only types or defaults that keep the old behaviour were added) or carried out by an
/// adapter (<see cref="VersionSteps"/>). A model with one unknown step is refused as a whole and left untouched:
/// an opset is never raised without converting the operators that changed.
/// </summary>
internal static class OpsetConverter
{
    /// <summary>What a conversion did.</summary>
    public sealed record Result(long From, long To, int NodesConverted);

    /// <summary>Why a model cannot be raised to an opset (null when it can).</summary>
    public static string? WhyNot(ModelProto model, long target)
    {
        try
        {
            Convert(model.Clone(), target);
            return null;
        }
        catch (CompressionException e)
        {
            return e.Message;
        }
    }

    /// <summary>
    /// Converts <paramref name="model"/> in place to <paramref name="target"/>, or throws MCB2006 naming every operator
    /// version that cannot be converted, leaving the model unchanged.
    /// </summary>
    public static Result Convert(ModelProto model, long target, string? file = null)
    {
        var from = DefaultOpset(model);
        if (target == from) return new Result(from, target, 0);
        if (target < from) throw Refuse($"the model is at opset {from}; lowering an opset is not supported", file);
        var versions = OperatorVersions.Default;
        if (target > versions.MaxOpset) throw Refuse($"opset {target} is past the operator table (opset {versions.MaxOpset})", file);
        if (from < 7) throw Refuse($"the model is at opset {from}; conversion starts at opset 7 (numpy-style broadcasting)", file);

        var index = new ModelIndex(model);
        var plan = new List<(GraphIndex Graph, NodeProto Node, IReadOnlyList<VersionStep> Steps)>();
        var unknown = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var graph in index.AllGraphs)
        {
            foreach (var node in graph.Graph.Node)
            {
                if (ModelIndex.NormalizeDomain(node.Domain).Length != 0) continue;
                var now = versions.Resolve(node.OpType, from);
                var then = versions.Resolve(node.OpType, target);
                if (now is null || then is null)
                {
                    unknown.Add($"{node.OpType} (not an operator of opset {(now is null ? from : target)})");
                    continue;
                }
                if (now == then) continue;
                var steps = new List<VersionStep>();
                var since = versions.SinceVersions(node.OpType).Where(v => v >= now && v <= then).ToList();
                for (var i = 0; i + 1 < since.Count; i++)
                {
                    if (VersionSteps.Find(node.OpType, since[i], since[i + 1]) is { } step) steps.Add(step);
                    else unknown.Add($"{node.OpType} {since[i]} → {since[i + 1]}");
                }
                plan.Add((graph, node, steps));
            }
        }
        if (unknown.Count > 0)
            throw Refuse($"cannot raise opset {from} to {target}: no conversion for {string.Join(", ", unknown)}", file);

        // Adapters read element types and ranks as inference sees them in the model as it was.
        IReadOnlyDictionary<string, ValueInfo> values;
        try
        {
            values = ShapeInference.Infer(index);
        }
        catch (CompressionException)
        {
            values = new Dictionary<string, ValueInfo>();
        }

        var working = model.Clone();
        var editor = new ModelEditor(working);
        // The same nodes in the clone, found by position (node names are optional and need not be unique).
        var positions = index.AllGraphs.Zip(editor.AllGraphs).ToDictionary(p => p.First.Graph, p => p.Second);
        var converted = 0;
        foreach (var group in plan.GroupBy(p => p.Graph.Graph))
        {
            var graph = positions[group.Key];
            // By reference: protobuf messages compare by value, so IndexOf would compare whole nodes (Constant tensors
            // included) and send two identical nodes to the first one's clone.
            var originals = new Dictionary<NodeProto, int>(ReferenceEqualityComparer.Instance);
            for (var i = 0; i < group.Key.Node.Count; i++) originals[group.Key.Node[i]] = i;
            var clones = graph.Graph.Node.ToList();
            foreach (var (_, node, steps) in group)
            {
                var clone = clones[originals[node]];
                var context = new AdapterContext(graph, values, file);
                foreach (var step in steps) step.Adapt?.Invoke(context, clone);
                if (steps.Any(s => s.Adapt is not null)) converted++;
            }
        }
        foreach (var import in working.OpsetImport.Where(o => o.Domain is "" or "ai.onnx")) import.Version = target;
        if (!working.OpsetImport.Any(o => o.Domain is "" or "ai.onnx")) working.OpsetImport.Add(new OperatorSetIdProto { Domain = "", Version = target });
        working.IrVersion = Math.Max(working.IrVersion, MinimumIrVersion(target));

        model.Graph = working.Graph;
        model.OpsetImport.Clear();
        model.OpsetImport.Add(working.OpsetImport);
        model.IrVersion = working.IrVersion;
        return new Result(from, target, converted);
    }

    public static long DefaultOpset(ModelProto model) =>
        model.OpsetImport.Where(o => o.Domain is "" or "ai.onnx").Select(o => o.Version).DefaultIfEmpty(1).Max();

    /// <summary>The lowest IR version that may carry an opset (ONNX's release table: opsets 12–14 came with IR 7, 15–18 with IR 8, 19–20 with IR 9, 21 with IR 10).</summary>
    private static long MinimumIrVersion(long opset) => opset switch
    {
        <= 14 => 7,
        <= 18 => 8,
        <= 20 => 9,
        _ => 10,
    };

    private static CompressionException Refuse(string message, string? file) =>
        new(EngineErrorCodes.OpsetConversionUnsupported, message, file);
}

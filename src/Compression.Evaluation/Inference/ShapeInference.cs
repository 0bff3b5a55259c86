using Compression.Evaluation.Execution;
using Compression.Evaluation.Operators;
using Compression.Evaluation.Tensors;
using Compression.Onnx.Graph;
using Compression.Onnx.Protobuf;
using DataType = Compression.Onnx.Protobuf.TensorProto.Types.DataType;

namespace Compression.Evaluation.Inference;

/// <summary>
/// Static shape and type inference over a graph, from each kernel's own shape rule, computing no data except where
/// every input of a node is a small constant: such a node is folded by running its kernel, which is what lets the
/// Shape → Gather → Concat → Reshape chains of exported models end in known shapes. Nodes without a kernel leave their
/// outputs unknown (never guessed); declared value infos fill in what inference cannot.
/// </summary>
public static class ShapeInference
{
    /// <summary>Constants up to this many elements are folded during inference; larger ones are left to the run.</summary>
    public const int MaxFoldedElements = 4096;

    public static IReadOnlyDictionary<string, ValueInfo> Infer(ModelIndex model, KernelRegistry? registry = null,
        IReadOnlyDictionary<string, ValueInfo>? inputOverrides = null)
    {
        registry ??= KernelRegistry.Default;
        var known = new Dictionary<string, ValueInfo>(StringComparer.Ordinal);
        InferGraph(model, model.Main, registry, known, inputOverrides);
        return known;
    }

    /// <summary>
    /// The inferred type of every value the main graph and its subgraphs produce or take in, by name, for a model as
    /// loaded (the convenience behind summaries: "what shape does each tensor have").
    /// </summary>
    public static IReadOnlyDictionary<string, ValueInfo> InferShapes(Compression.Onnx.Model.OnnxModel model,
        IReadOnlyDictionary<string, ValueInfo>? inputOverrides = null) =>
        Infer(new ModelIndex(model.Proto), null, inputOverrides);

    private static void InferGraph(ModelIndex model, GraphIndex graph, KernelRegistry registry,
        Dictionary<string, ValueInfo> known, IReadOnlyDictionary<string, ValueInfo>? overrides)
    {
        foreach (var input in graph.Graph.Input)
            if (overrides?.TryGetValue(input.Name, out var given) == true) known[input.Name] = given;
            else if (FromType(input.Type) is { } declared) known[input.Name] = declared;
        foreach (var init in graph.Graph.Initializer)
            known[init.Name] = ConstantInfo(init);

        foreach (var node in graph.TopologicalOrder)
        {
            var inputs = node.Input.Select(n => n.Length > 0 && known.TryGetValue(n, out var v) ? v : null).ToList();
            var outputs = InferNode(model, node, inputs, registry);
            for (var i = 0; i < node.Output.Count; i++)
            {
                var name = node.Output[i];
                if (name.Length == 0) continue;
                var inferred = i < outputs.Count ? outputs[i] : null;
                var declared = graph.ValueInfos.TryGetValue(name, out var vi) ? FromType(vi.Type) : null;
                if (Merge(inferred, declared) is { } merged) known[name] = merged;
            }
            foreach (var sub in graph.SubgraphsOf(node))
                InferGraph(model, sub.Index, registry, known, null);
        }
    }

    private static IReadOnlyList<ValueInfo?> InferNode(ModelIndex model, NodeProto node, List<ValueInfo?> inputs, KernelRegistry registry)
    {
        var domain = ModelIndex.NormalizeDomain(node.Domain);
        var opset = model.OpsetOf(node);
        var version = domain.Length == 0 && opset is { } o ? OperatorVersions.Default.Resolve(node.OpType, o) : null;
        var kernel = version is { } v ? registry.Find(domain, node.OpType, v) : null;
        if (kernel is null) return [];

        if (CanFold(node, inputs))
        {
            var context = KernelContext.ForFolding(node, version!.Value, inputs.Select(i => i?.Constant).ToArray());
            kernel.Execute(context);
            // A large folded result (ConstantOfShape, Tile, a big Constant) keeps its shape but not its data: nothing
            // downstream would fold from it, and holding it would cost memory for nothing.
            return context.Outputs.Select(t => t is null ? null
                : t.Length <= MaxFoldedElements ? ValueInfo.Of(t) : ValueInfo.Of(t) with { Constant = null }).ToList();
        }
        return kernel.Infer(new InferenceContext(node, version!.Value, inputs));
    }

    private static bool CanFold(NodeProto node, List<ValueInfo?> inputs)
    {
        if (node.Attribute.Any(a => a.G is not null || a.Graphs.Count > 0)) return false;
        for (var i = 0; i < node.Input.Count; i++)
        {
            if (node.Input[i].Length == 0) continue;
            if (inputs[i]?.Constant is not { } c || c.Length > MaxFoldedElements) return false;
        }
        return true;
    }

    private static ValueInfo ConstantInfo(TensorProto init)
    {
        var dims = init.Dims.Select(d => (Dim)d).ToArray();
        var count = dims.Aggregate(1L, (a, d) => a * d.Value);
        var type = (DataType)init.DataType;
        return count <= MaxFoldedElements && ElementClrTypes.IsSupported(type)
            ? new ValueInfo(type, dims, TensorConversion.FromProto(init))
            : new ValueInfo(type, dims);
    }

    /// <summary>The declared type of a value (graph input, output, value_info), as inference represents it.</summary>
    public static ValueInfo? FromType(TypeProto? type)
    {
        var tensor = type?.TensorType;
        if (tensor is null) return null;
        var shape = tensor.Shape?.Dim.Select(d =>
            d.HasDimValue ? new Dim(d.DimValue) : d.HasDimParam && d.DimParam.Length > 0 ? Dim.Named(d.DimParam) : Dim.Unknown).ToArray();
        return new ValueInfo((DataType)tensor.ElemType, shape);
    }

    /// <summary>Inferred facts win; a declared dimension fills one inference could not know.</summary>
    private static ValueInfo? Merge(ValueInfo? inferred, ValueInfo? declared)
    {
        if (inferred is null) return declared;
        if (declared?.Shape is null || inferred.Constant is not null) return inferred;
        if (inferred.Shape is null) return inferred with { Shape = declared.Shape, ElementType = inferred.ElementType == DataType.Undefined ? declared.ElementType : inferred.ElementType };
        if (inferred.Shape.Length != declared.Shape.Length) return inferred;
        var dims = inferred.Shape.Select((d, i) => d.IsKnown ? d : declared.Shape[i]).ToArray();
        return inferred with { Shape = dims };
    }
}

using Compression.Engine.Pipeline;
using Compression.Onnx.Editing;
using Compression.Onnx.Graph;
using Compression.Onnx.Protobuf;
using Compression.Onnx.Tensors;
using DataType = Compression.Onnx.Protobuf.TensorProto.Types.DataType;

namespace Compression.Engine.Quantization;

/// <summary>
/// <c>Quantization=fp16</c>: weights and activations in half precision, half the bytes. Float flows through a graph from
/// a few sources — graph inputs, initializers, Constant nodes, Cast, ConstantOfShape — so converting those sources turns
/// the whole float dataflow to fp16. Graph inputs and outputs stay float32 (Cast nodes at the edges) so callers see no
/// change. Some things stay float32: inputs an operator defines as float only (Resize scales, Upsample scales), and
/// nodes that cannot run safely in fp16 — a constant beyond fp16's range (±65504), activations that come near it on
/// the calibration data (<see cref="OverflowBlockList"/>), operators ONNX Runtime's CPU provider refuses in fp16
/// (<see cref="Fp16CpuKernels"/>), control flow (its subgraphs keep float), operators of other
/// domains, and what the recipe excludes — run in float32 between Casts.
/// </summary>
internal sealed class Fp16Pass : ICompressionPass
{
    private const float HalfMax = 65504f;

    public string Name => "fp16";

    public PassReport Apply(CompressionContext context)
    {
        var model = context.Model;
        var index = new ModelIndex(model);
        var graph = model.Graph;
        var editor = new ModelEditor(model);
        var main = editor.Main;
        var names = editor.Names;
        var floats = FloatValues(index, context);
        var blocked = graph.Node.Where(n => MustStayFloat(n, index.Main, context)).ToHashSet(ReferenceEqualityComparer.Instance);
        var overflow = OverflowBlockList.Find(context, index.Main, floats);
        foreach (var node in overflow.Nodes) blocked.Add(node);
        bool WantsFloat(NodeProto node, int input) => blocked.Contains(node) || FloatOnlyInput(node, input);

        // Every float value gets one representation: float32 for graph inputs, blocked nodes' outputs, and constants
        // only float32 readers use; fp16 for everything else.
        // Only float values are entered: an integer or boolean value (token ids, Gather indices, shapes, masks) has no
        // representation to choose and is never cast, whoever reads it.
        var isHalf = new Dictionary<string, bool>(StringComparer.Ordinal);
        foreach (var input in graph.Input.Where(i => floats.Contains(i.Name))) isHalf[input.Name] = false;
        // A node that reads the value inside a subgraph is control flow, which stays float32: it wants float whatever slot.
        bool ReadsAsFloat(NodeProto node, string name) => Enumerable.Range(0, node.Input.Count).All(i => node.Input[i] != name || WantsFloat(node, i));
        bool OnlyFloatReaders(string name) => main.ConsumersOf(name) is { Count: > 0 } readers && readers.All(node => ReadsAsFloat(node, name));

        int tensors = 0;
        long before = 0, after = 0;
        var notes = new List<string>();
        // An initializer that is also a graph input (kept overridable) is an input: callers feed it as float32.
        foreach (var init in graph.Initializer.Where(t => t.DataType == (int)DataType.Float && !isHalf.ContainsKey(t.Name)))
        {
            isHalf[init.Name] = !OnlyFloatReaders(init.Name);
            if (isHalf[init.Name]) Convert(init, ref tensors, ref before, ref after);
        }
        foreach (var node in graph.Node)
        {
            if (node.OpType == "Constant" && IsDefaultDomain(node) && node.GetTensor("value") is { DataType: (int)DataType.Float } value)
            {
                isHalf[node.Output[0]] = !OnlyFloatReaders(node.Output[0]);
                if (isHalf[node.Output[0]]) Convert(value, ref tensors, ref before, ref after);
                continue;
            }
            // Constant's value_float(s) attributes are float32 by definition.
            var half = !blocked.Contains(node) && !(node.OpType == "Constant" && (node.HasAttribute("value_float") || node.HasAttribute("value_floats")));
            if (half && IsDefaultDomain(node))
            {
                // Cast and ConstantOfShape name their output type: float becomes fp16 at the source.
                if (node.OpType == "Cast" && node.GetInt("to", 0) == (long)DataType.Float) node.SetInt("to", (long)DataType.Float16);
                if (node.OpType == "ConstantOfShape")
                {
                    if (node.GetTensor("value") is { DataType: (int)DataType.Float } fillValue) Convert(fillValue, ref tensors, ref before, ref after);
                    // Without a value attribute the fill is float32 zero by definition: name an fp16 zero instead.
                    if (!node.HasAttribute("value")) node.SetTensor("value", TensorData.Create("value", [1], (ReadOnlySpan<Half>)[Half.Zero]));
                }
            }
            foreach (var output in node.Output)
                if (floats.Contains(output)) isHalf[output] = half;
            if (!half) notes.Add($"{node.OpType} '{node.Name}' stays float32");
        }

        // Each reader gets the representation it wants, through one shared Cast per value and direction.
        // Casts are appended as they are made and the graph sorted at the end, which puts each after its source.
        var casts = new Dictionary<(string, bool), string>();
        var added = 0;
        string Represent(string name, bool half)
        {
            if (!casts.TryGetValue((name, half), out var cast))
            {
                cast = names.Next($"{name}_{(half ? "fp16" : "float32")}");
                main.AddNode(CastNode(names, name, cast, half ? DataType.Float16 : DataType.Float));
                added++;
                casts[(name, half)] = cast;
            }
            return cast;
        }
        foreach (var node in graph.Node.ToList())
            for (var i = 0; i < node.Input.Count; i++)
            {
                var name = node.Input[i];
                if (!isHalf.TryGetValue(name, out var half)) continue;
                var wantHalf = !WantsFloat(node, i);
                if (half != wantHalf) main.SetInput(node, i, Represent(name, wantHalf));
            }

        // Graph outputs stay float32: an fp16 producer writes under a new name, and a Cast restores the original.
        foreach (var output in graph.Output)
        {
            if (!isHalf.TryGetValue(output.Name, out var half) || !half) continue;
            var renamed = names.Next($"{output.Name}_fp16");
            if (main.ProducerOf(output.Name) is { } producer)
                for (var i = 0; i < producer.Output.Count; i++) if (producer.Output[i] == output.Name) main.SetOutput(producer, i, renamed);
            main.ReplaceAllUses(output.Name, renamed);
            main.AddNode(CastNode(names, renamed, output.Name, DataType.Float));
            added++;
        }

        foreach (var vi in graph.ValueInfo)
            if (vi.Type?.TensorType?.ElemType == (int)DataType.Float && isHalf.GetValueOrDefault(vi.Name))
                vi.Type.TensorType.ElemType = (int)DataType.Float16;
        main.SortTopologically();
        notes.Insert(0, $"{tensors} tensors to fp16, {added} Cast nodes at float32 boundaries");
        notes.Insert(1, overflow.Note);
        return new PassReport(Name, tensors, before, after, notes);
    }

    /// <summary>Names of values that are float32 in the original model: from declared types and inferred ones.</summary>
    private static HashSet<string> FloatValues(ModelIndex index, CompressionContext context)
    {
        var result = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (name, type) in CompressionContext.InferredTypes(index))
            if (type == DataType.Float) result.Add(name);
        return result;
    }

    private static bool MustStayFloat(NodeProto node, GraphIndex graph, CompressionContext context)
    {
        if (!IsDefaultDomain(node) || context.IsExcluded(node)) return true;
        if (node.OpType is "If" or "Loop" or "Scan" || Fp16CpuKernels.Refuses(node.OpType, context.DefaultOpset)) return true;
        for (var i = 0; i < node.Input.Count; i++)
        {
            if (FloatOnlyInput(node, i)) continue;
            var weight = ConstantWeights.Find(graph, node.Input[i]);
            if (weight?.Tensor.DataType == (int)DataType.Float && OutOfRange(weight.Tensor)) return true;
        }
        return false;
    }

    private static bool OutOfRange(TensorProto tensor)
    {
        foreach (var v in TensorData.Read<float>(tensor))
            if (float.IsFinite(v) && Math.Abs(v) > HalfMax) return true;
        return false;
    }

    /// <summary>Inputs the operator defines as float32 whatever the data type: they must not be converted.</summary>
    private static bool FloatOnlyInput(NodeProto node, int input) => node.OpType switch
    {
        "Resize" => input is 1 or 2,
        "Upsample" => input == 1,
        _ => false,
    };

    private static bool IsDefaultDomain(NodeProto node) => node.Domain is "" or "ai.onnx";

    private static void Convert(TensorProto tensor, ref int tensors, ref long before, ref long after)
    {
        var values = TensorData.Read<float>(tensor);
        var halves = new Half[values.Length];
        for (var i = 0; i < values.Length; i++) halves[i] = (Half)values[i];
        TensorData.Replace(tensor, tensor.Dims.ToArray(), (ReadOnlySpan<Half>)halves);
        tensors++;
        before += 4L * values.Length;
        after += 2L * values.Length;
    }

    private static NodeProto CastNode(UniqueNames names, string input, string output, DataType to) =>
        NodeBuilder.Op("Cast", names.Next($"{output}_Cast")).Inputs(input).Outputs(output).IntAttribute("to", (long)to).Build();
}

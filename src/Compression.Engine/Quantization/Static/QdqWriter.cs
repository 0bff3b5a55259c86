using Compression.Onnx.Editing;
using Compression.Onnx.Graph;
using Compression.Onnx.Protobuf;
using Compression.Onnx.Tensors;
using DataType = Compression.Onnx.Protobuf.TensorProto.Types.DataType;

namespace Compression.Engine.Quantization.Static;

/// <summary>
/// Writes a <see cref="QdqPlan"/> into the model (opset 13 or later): each quantized value's producer writes
/// <c>value_float</c>, followed by QuantizeLinear and a DequantizeLinear that writes the value's own name, so every reader
/// (and a graph output) sees the dequantized value unchanged in name; a graph input gets its pair at the top and its
/// readers are rewired. Weights become int8 per output channel with a DequantizeLinear along that axis; biases become
/// int32 with scale = input scale × weight scale, the product runtimes compute, so the integer kernels can use them.
/// </summary>
internal sealed class QdqWriter
{
    private readonly int _weightQMax;
    private readonly UniqueNames _names;
    private readonly QdqPlan _plan;
    private readonly IReadOnlyDictionary<string, QdqParameters> _parameters;
    private readonly GraphEditor _graph;

    /// <summary>A writer for the model <paramref name="model"/> indexes; the plan was made from that index, and the writer edits the model itself.</summary>
    public QdqWriter(ModelIndex model, QdqPlan plan, IReadOnlyDictionary<string, QdqParameters> parameters, int weightQMax = 127)
    {
        _weightQMax = weightQMax;
        _plan = plan;
        _parameters = parameters;
        var editor = new ModelEditor(model.Model);
        _graph = editor.Main;
        _names = editor.Names;
    }

    /// <summary>Weight bytes before (float32) and after (int8 plus float32 scales) for the quantized weights.</summary>
    public (long Before, long After) WeightBytes { get; private set; }

    public void Write()
    {
        var prologue = new List<NodeProto>();
        var after = new Dictionary<NodeProto, List<NodeProto>>(ReferenceEqualityComparer.Instance);
        var rewire = new List<(string Value, string Dequantized)>();

        // Absorbed activations: the producer writes the activation's output; the activation node goes.
        foreach (var (activation, output) in _plan.AbsorbedActivations)
        {
            var producer = _graph.ProducerOf(activation.Input[0])!;
            for (var i = 0; i < producer.Output.Count; i++)
                if (producer.Output[i] == activation.Input[0]) _graph.SetOutput(producer, i, output);
            _graph.RemoveNode(activation);
        }

        foreach (var value in _plan.QuantizedValues)
        {
            var parameters = Parameters(value);
            var producer = _graph.ProducerOf(value);
            if (producer is null)
            {
                // A graph input (or an outer value): its name stays, readers move to the dequantized copy.
                var dequantized = _names.Next($"{value}_dequantized");
                prologue.AddRange(Pair(value, dequantized, parameters));
                rewire.Add((value, dequantized));
                continue;
            }
            var raw = _names.Next($"{value}_float");
            for (var i = 0; i < producer.Output.Count; i++)
                if (producer.Output[i] == value) _graph.SetOutput(producer, i, raw);
            if (!after.TryGetValue(producer, out var list)) after[producer] = list = [];
            list.AddRange(Pair(raw, value, parameters));
        }

        var weightNodes = new Dictionary<NodeProto, List<NodeProto>>(ReferenceEqualityComparer.Instance);
        long bytesBefore = 0, bytesAfter = 0;
        foreach (var node in _plan.ComputeNodes)
        {
            var nodes = new List<NodeProto>();
            var (scales, b, a) = QuantizeWeight(node, nodes);
            bytesBefore += b;
            bytesAfter += a;
            QuantizeBias(node, scales, nodes);
            weightNodes[node] = nodes;
        }
        WeightBytes = (bytesBefore, bytesAfter);
        // Readers move only now: the bias quantization above looks up its input's parameters under the original name,
        // and the pairs (not in the graph yet) keep reading the input itself.
        foreach (var (value, dequantized) in rewire) _graph.ReplaceAllUses(value, dequantized);

        // Rebuild the node list in order: the prologue, then each node preceded by its weight dequantization and
        // followed by its outputs' pairs — a topological order whenever the original was one.
        var ordered = new List<NodeProto>(prologue);
        foreach (var node in _graph.Graph.Node)
        {
            if (weightNodes.TryGetValue(node, out var weights)) ordered.AddRange(weights);
            ordered.Add(node);
            if (after.TryGetValue(node, out var pairs)) ordered.AddRange(pairs);
        }
        _graph.SetNodes(ordered);
        RemoveUnusedConstants();
    }

    private QdqParameters Parameters(string value)
    {
        var source = _plan.SameAs.GetValueOrDefault(value, value);
        return _parameters.TryGetValue(source, out var p) ? p
            : throw new InvalidOperationException($"no quantization parameters for '{source}'");
    }

    /// <summary>QuantizeLinear(input) → DequantizeLinear → output, with scalar scale and zero point initializers.</summary>
    private IEnumerable<NodeProto> Pair(string input, string output, QdqParameters parameters)
    {
        var scale = AddInitializer($"{output}_scale", TensorData.Create("", [], (ReadOnlySpan<float>)[parameters.Scale]));
        var zeroPoint = AddInitializer($"{output}_zero_point", parameters.ElementType == DataType.Uint8
            ? TensorData.Create("", [], (ReadOnlySpan<byte>)[checked((byte)parameters.ZeroPoint)])
            : TensorData.Create("", [], (ReadOnlySpan<sbyte>)[checked((sbyte)parameters.ZeroPoint)]));
        var quantized = _names.Next($"{output}_quantized");
        yield return NodeBuilder.Op("QuantizeLinear", _names.Next($"{output}_QuantizeLinear")).Inputs(input, scale, zeroPoint).Outputs(quantized).Build();
        yield return NodeBuilder.Op("DequantizeLinear", _names.Next($"{output}_DequantizeLinear")).Inputs(quantized, scale, zeroPoint).Outputs(output).Build();
    }

    private readonly Dictionary<string, (string Output, float[] Scales)> _quantizedWeights = new(StringComparer.Ordinal);

    private (float[] Scales, long Before, long After) QuantizeWeight(NodeProto node, List<NodeProto> nodes)
    {
        var weight = _graph.FindConstant(node.Input[1])!;
        if (_quantizedWeights.TryGetValue(weight.Name, out var shared))
        {
            // One weight read by several nodes is quantized once (same axis: the nodes are of one kind in practice).
            _graph.SetInput(node, 1, shared.Output);
            return (shared.Scales, 0, 0);
        }
        var dims = weight.Tensor.Dims.Select(d => checked((int)d)).ToArray();
        var axis = WeightChannelAxis.Of(node, dims.Length)!.Value;
        var values = TensorData.Read<float>(weight.Tensor);
        var channels = dims[axis];
        var outer = dims[..axis].Aggregate(1, (a, d) => a * d);
        var inner = dims[(axis + 1)..].Aggregate(1, (a, d) => a * d);
        var (q, scales, halfScales) = SymmetricQuantizer.Quantize(values, outer, channels, inner, _weightQMax, halfScales: true);

        var qName = AddInitializer($"{weight.Name}_quantized", TensorData.Create("", dims.Select(d => (long)d).ToArray(), (ReadOnlySpan<sbyte>)q));
        string scaleName;
        if (halfScales)
        {
            // Stored as float16 (the weights were quantized with exactly these values) and widened by a Cast that
            // runtimes fold at load, before they fuse the DequantizeLinear: half the scale bytes, which is what keeps
            // depthwise layers (9 weights a channel) near 4x.
            var half = AddInitializer($"{weight.Name}_scale_half", TensorData.Create("", [channels], (ReadOnlySpan<Half>)scales.Select(v => (Half)v).ToArray()));
            scaleName = _names.Next($"{weight.Name}_scale");
            nodes.Add(NodeBuilder.Op("Cast", _names.Next($"{weight.Name}_scale_Cast")).Inputs(half).Outputs(scaleName).IntAttribute("to", (long)DataType.Float).Build());
        }
        else
        {
            scaleName = AddInitializer($"{weight.Name}_scale", TensorData.Create("", [channels], (ReadOnlySpan<float>)scales));
        }
        var output = _names.Next($"{weight.Name}_dequantized");
        nodes.Add(NodeBuilder.Op("DequantizeLinear", _names.Next($"{weight.Name}_DequantizeLinear")).Inputs(qName, scaleName).Outputs(output).IntAttribute("axis", axis).Build());
        _graph.SetInput(node, 1, output);
        _quantizedWeights[weight.Name] = (output, scales);
        return (scales, 4L * values.Length, q.Length + (halfScales ? 2L : 4L) * channels);
    }

    private void QuantizeBias(NodeProto node, float[] weightScales, List<NodeProto> nodes)
    {
        if (node.Input.Count < 3 || node.Input[2].Length == 0) return;
        var bias = _graph.FindConstant(node.Input[2])!;
        var values = TensorData.Read<float>(bias.Tensor);
        var inputScale = Parameters(node.Input[0]).Scale;
        // Gemm's C may be [N] or [1, N]; either way one value per output channel, or one for all.
        if (values.Length != weightScales.Length && values.Length != 1) return;
        var count = weightScales.Length;
        var q = new int[count];
        var scales = new float[count];
        for (var c = 0; c < count; c++)
        {
            scales[c] = inputScale * weightScales[c];
            var v = values[values.Length == 1 ? 0 : c] / (double)scales[c];
            q[c] = (int)Math.Clamp(Math.Round(v, MidpointRounding.ToEven), int.MinValue, int.MaxValue);
        }
        var qName = AddInitializer($"{bias.Name}_quantized", TensorData.Create("", [count], (ReadOnlySpan<int>)q));
        var scaleName = AddInitializer($"{bias.Name}_scale", TensorData.Create("", [count], (ReadOnlySpan<float>)scales));
        var output = _names.Next($"{bias.Name}_dequantized");
        nodes.Add(NodeBuilder.Op("DequantizeLinear", _names.Next($"{bias.Name}_DequantizeLinear")).Inputs(qName, scaleName).Outputs(output).IntAttribute("axis", 0).Build());
        _graph.SetInput(node, 2, output);
    }

    private string AddInitializer(string baseName, TensorProto tensor)
    {
        tensor.Name = _names.Next(baseName);
        _graph.AddInitializer(tensor);
        return tensor.Name;
    }

    /// <summary>Float weights and biases that no node reads any more are dropped (Constant nodes included).</summary>
    private void RemoveUnusedConstants()
    {
        foreach (var init in _graph.Graph.Initializer.ToList()) _graph.RemoveIfUnused(init.Name);
        foreach (var constant in _graph.Graph.Node.Where(n => n.OpType == "Constant" && n.Output.Count > 0).ToList())
            _graph.RemoveIfUnused(constant.Output[0]);
    }
}

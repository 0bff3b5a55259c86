using Compression.Engine.Graphs;
using Compression.Onnx.Graph;
using Compression.Onnx.Protobuf;
using Compression.Onnx.Tensors;
using AttributeType = Compression.Onnx.Protobuf.AttributeProto.Types.AttributeType;
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
    private readonly ModelIndex _model;
    private readonly UniqueNames _names;
    private readonly QdqPlan _plan;
    private readonly IReadOnlyDictionary<string, QdqParameters> _parameters;
    private readonly GraphProto _graph;

    public QdqWriter(ModelIndex model, QdqPlan plan, IReadOnlyDictionary<string, QdqParameters> parameters, int weightQMax = 127)
    {
        _weightQMax = weightQMax;
        _model = model;
        _plan = plan;
        _parameters = parameters;
        _graph = model.Main.Graph;
        _names = new UniqueNames(model.Model);
    }

    /// <summary>Weight bytes before (float32) and after (int8 plus float32 scales) for the quantized weights.</summary>
    public (long Before, long After) WeightBytes { get; private set; }

    public void Write()
    {
        var prologue = new List<NodeProto>();
        var after = new Dictionary<NodeProto, List<NodeProto>>(ReferenceEqualityComparer.Instance);
        var rewire = new Dictionary<string, string>(StringComparer.Ordinal);

        // Absorbed activations: the producer writes the activation's output; the activation node goes.
        foreach (var (activation, output) in _plan.AbsorbedActivations)
        {
            var producer = _model.Main.ProducerOf(activation.Input[0])!;
            for (var i = 0; i < producer.Output.Count; i++)
                if (producer.Output[i] == activation.Input[0]) producer.Output[i] = output;
            _graph.Node.Remove(activation);
        }

        foreach (var value in _plan.QuantizedValues)
        {
            var parameters = Parameters(value);
            var producer = _graph.Node.FirstOrDefault(n => n.Output.Contains(value));
            if (producer is null)
            {
                // A graph input (or an outer value): its name stays, readers move to the dequantized copy.
                var dequantized = _names.Next($"{value}_dequantized");
                prologue.AddRange(Pair(value, dequantized, parameters));
                rewire[value] = dequantized;
                continue;
            }
            var raw = _names.Next($"{value}_float");
            for (var i = 0; i < producer.Output.Count; i++)
                if (producer.Output[i] == value) producer.Output[i] = raw;
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

        // Rebuild the node list in order: the prologue, then each node preceded by its weight dequantization and
        // followed by its outputs' pairs — a topological order whenever the original was one.
        var ordered = new List<NodeProto>(prologue);
        foreach (var node in _graph.Node)
        {
            if (weightNodes.TryGetValue(node, out var weights)) ordered.AddRange(weights);
            for (var i = 0; i < node.Input.Count; i++)
                if (rewire.TryGetValue(node.Input[i], out var moved)) node.Input[i] = moved;
            ordered.Add(node);
            if (after.TryGetValue(node, out var pairs)) ordered.AddRange(pairs);
        }
        _graph.Node.Clear();
        _graph.Node.Add(ordered);
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
        yield return new NodeProto { OpType = "QuantizeLinear", Name = _names.Next($"{output}_QuantizeLinear"), Input = { input, scale, zeroPoint }, Output = { quantized } };
        yield return new NodeProto { OpType = "DequantizeLinear", Name = _names.Next($"{output}_DequantizeLinear"), Input = { quantized, scale, zeroPoint }, Output = { output } };
    }

    private readonly Dictionary<string, (string Output, float[] Scales)> _quantizedWeights = new(StringComparer.Ordinal);

    private (float[] Scales, long Before, long After) QuantizeWeight(NodeProto node, List<NodeProto> nodes)
    {
        var weight = ConstantWeights.Find(_model.Main, node.Input[1])!;
        if (_quantizedWeights.TryGetValue(weight.Name, out var shared))
        {
            // One weight read by several nodes is quantized once (same axis: the nodes are of one kind in practice).
            node.Input[1] = shared.Output;
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
            var cast = new NodeProto { OpType = "Cast", Name = _names.Next($"{weight.Name}_scale_Cast"), Input = { half }, Output = { scaleName } };
            cast.Attribute.Add(new AttributeProto { Name = "to", Type = AttributeType.Int, I = (long)DataType.Float });
            nodes.Add(cast);
        }
        else
        {
            scaleName = AddInitializer($"{weight.Name}_scale", TensorData.Create("", [channels], (ReadOnlySpan<float>)scales));
        }
        var output = _names.Next($"{weight.Name}_dequantized");
        var dq = new NodeProto { OpType = "DequantizeLinear", Name = _names.Next($"{weight.Name}_DequantizeLinear"), Input = { qName, scaleName }, Output = { output } };
        dq.Attribute.Add(new AttributeProto { Name = "axis", Type = AttributeType.Int, I = axis });
        nodes.Add(dq);
        node.Input[1] = output;
        _quantizedWeights[weight.Name] = (output, scales);
        return (scales, 4L * values.Length, q.Length + (halfScales ? 2L : 4L) * channels);
    }

    private void QuantizeBias(NodeProto node, float[] weightScales, List<NodeProto> nodes)
    {
        if (node.Input.Count < 3 || node.Input[2].Length == 0) return;
        var bias = ConstantWeights.Find(_model.Main, node.Input[2])!;
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
        var dq = new NodeProto { OpType = "DequantizeLinear", Name = _names.Next($"{bias.Name}_DequantizeLinear"), Input = { qName, scaleName }, Output = { output } };
        dq.Attribute.Add(new AttributeProto { Name = "axis", Type = AttributeType.Int, I = 0 });
        nodes.Add(dq);
        node.Input[2] = output;
    }

    private string AddInitializer(string baseName, TensorProto tensor)
    {
        tensor.Name = _names.Next(baseName);
        _graph.Initializer.Add(tensor);
        return tensor.Name;
    }

    /// <summary>Float weights and biases that no node reads any more are dropped (Constant nodes included).</summary>
    private void RemoveUnusedConstants()
    {
        var read = new HashSet<string>(_graph.Node.SelectMany(n => n.Input), StringComparer.Ordinal);
        foreach (var o in _graph.Output) read.Add(o.Name);
        foreach (var node in _graph.Node)
            foreach (var attribute in node.Attribute)
                foreach (var g in attribute.Graphs.Append(attribute.G).Where(g => g is not null))
                    foreach (var n in g!.Node) foreach (var i in n.Input) read.Add(i);
        foreach (var init in _graph.Initializer.Where(t => !read.Contains(t.Name)).ToList())
        {
            _graph.Initializer.Remove(init);
            var input = _graph.Input.FirstOrDefault(i => i.Name == init.Name);
            if (input is not null) _graph.Input.Remove(input);
        }
        foreach (var constant in _graph.Node.Where(n => n.OpType == "Constant" && n.Output.All(o => !read.Contains(o))).ToList())
            _graph.Node.Remove(constant);
    }
}

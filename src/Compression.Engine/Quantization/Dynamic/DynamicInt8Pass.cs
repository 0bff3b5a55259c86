using Compression.Engine.Pipeline;
using Compression.Engine.Recipes;
using Compression.Onnx.Editing;
using Compression.Onnx.Graph;
using Compression.Onnx.Protobuf;
using Compression.Onnx.Tensors;
using DataType = Compression.Onnx.Protobuf.TensorProto.Types.DataType;

namespace Compression.Engine.Quantization.Dynamic;

/// <summary>
/// <c>Quantization=int8-dynamic</c>: MatMul, Gemm and Conv with a constant float weight compute in integers, with the
/// activation quantized at run time from its own range (DynamicQuantizeLinear, uint8) — no calibration data needed.
/// Weights are symmetric int8 per output channel (±64 with ReduceRange, for u8s8 kernels on x64 without VNNI) and
/// float32 scales, which ONNX Runtime's fusions need as float constants. The model is raised to opset 11, where
/// DynamicQuantizeLinear exists; when it cannot be, the item gets int8-weight with warning MCB2104. Nodes this form
/// cannot take (a Gemm with transA, a MatMul with a batched weight, a non-float activation, a computed Conv bias) and
/// ConvTranspose keep int8-weight's form: the weights shrink everywhere and nothing is left half done.
/// </summary>
internal sealed class DynamicInt8Pass : ICompressionPass
{
    /// <summary>DynamicQuantizeLinear exists from opset 11 (MatMulInteger and ConvInteger from 10).</summary>
    public const long MinimumOpset = 11;

    private const int WeightQMax = 127;
    private const int ReducedWeightQMax = 64;

    public string Name => "int8-dynamic";

    /// <summary>
    /// Opset 11; constants and BatchNormalization folded into the Conv/Gemm first (so no float BatchNormalization runs
    /// after the integer kernel), and channels equalized: the activation gets one scale per tensor at run time, so a few
    /// wide channels would cost every other channel its resolution, as in static int8. What the integer forms cannot
    /// take is int8-weight's, planned right after.
    /// </summary>
    public PassRequirements Requirements(Recipe recipe) => new()
    {
        Opset = new OpsetRequirement(MinimumOpset, recipe with { Quantization = QuantizationMode.Int8Weight, ReduceRange = Recipe.Identity.ReduceRange },
            EngineErrorCodes.DynamicInt8Unavailable, "dynamic int8 (DynamicQuantizeLinear)"),
        Preprocessing = PreprocessingNeeds.All,
        ThenRest = "int8-weight",
    };

    public PassReport Apply(CompressionContext context)
    {
        var index = new ModelIndex(context.Model);
        var types = CompressionContext.InferredTypes(index);
        var editor = new ModelEditor(context.Model);
        var names = editor.Names;
        var qmax = context.Recipe.ReduceRange ? ReducedWeightQMax : WeightQMax;
        var weights = new Dictionary<(GraphProto, string, string), IntegerWeight>();
        var originals = new List<(GraphEditor Graph, string Name)>();
        int matMuls = 0, convs = 0;
        long before = 0, after = 0;

        foreach (var graph in editor.AllGraphs.ToList())
        {
            var activations = new Dictionary<string, QuantizedActivation>(StringComparer.Ordinal);
            var nodes = new List<NodeProto>();
            foreach (var node in graph.Graph.Node)
            {
                var written = context.IsExcluded(node) || node.Input.Count < 2 || types.GetValueOrDefault(node.Input[0]) != DataType.Float
                    ? null
                    : Rewrite(graph, node, qmax, names, weights, originals, activations, nodes);
                if (written is null)
                {
                    nodes.Add(node);
                    continue;
                }
                nodes.AddRange(written.Value.Nodes);
                if (written.Value.NewWeight is { } w)
                {
                    before += w.BytesBefore;
                    after += w.BytesAfter;
                }
                if (node.OpType == "Conv") convs++;
                else matMuls++;
            }
            graph.SetNodes(nodes);
        }
        foreach (var (graph, name) in originals.Distinct()) graph.RemoveIfUnused(name);

        return new PassReport(Name, matMuls + convs, before, after,
        [
            $"{matMuls} MatMul/Gemm through DynamicQuantizeLinear + MatMulInteger, {convs} Conv through ConvInteger "
            + $"(int8 weights per output channel{(qmax == ReducedWeightQMax ? ", 7-bit (reduce range)" : "")}, float32 scales)",
        ]);
    }

    /// <summary>The nodes replacing <paramref name="node"/> (after a DynamicQuantizeLinear added to <paramref name="nodes"/> when its activation has none yet), or null when it keeps its form.</summary>
    private static (List<NodeProto> Nodes, IntegerWeight? NewWeight)? Rewrite(GraphEditor graph, NodeProto node, int qmax, UniqueNames names,
        Dictionary<(GraphProto, string, string), IntegerWeight> weights, List<(GraphEditor, string)> originals,
        Dictionary<string, QuantizedActivation> activations, List<NodeProto> nodes)
    {
        if (node.OpType == "Conv" && node.Domain is "" or "ai.onnx")
        {
            var weight = graph.FindConstant(node.Input[1]);
            if (weight is null || weight.Tensor.DataType != (int)DataType.Float || weight.Tensor.Dims.Count < 3) return null;
            if (ElementCount(weight.Tensor) < Int8WeightPass.MinElements) return null;
            var channels = checked((int)weight.Tensor.Dims[0]);
            var bias = ConvBias(graph, node, channels, weight.Tensor.Dims.Count, names, originals);
            if (bias is { Ok: false }) return null;
            var (w, isNew) = ConvWeight(graph, weight, qmax, names, weights, originals);
            var x = Activation(node.Input[0], names, activations, nodes);
            return (IntegerForms.Conv(node, x, w, bias?.Name, names), isNew ? w : null);
        }

        if (DenseWeight.Of(graph, node) is not { } dense) return null;
        if ((long)dense.K * dense.N < Int8WeightPass.MinElements) return null;
        string? gemmBias = null;
        if (node.OpType == "Gemm")
        {
            if (node.GetInt("transA", 0) == 1) return null;
            if (node.Input.Count > 2 && node.Input[2].Length > 0)
            {
                var beta = node.GetFloat("beta", 1f);
                gemmBias = beta == 1f ? node.Input[2] : ScaledBias(graph, node.Input[2], beta, names, originals);
                if (gemmBias is null) return null;
            }
        }
        var (denseWeight, fresh) = MatMulWeight(graph, dense, qmax, names, weights, originals);
        var activation = Activation(node.Input[0], names, activations, nodes);
        return (IntegerForms.MatMul(node, activation, denseWeight, gemmBias, names), fresh ? denseWeight : null);
    }

    private static QuantizedActivation Activation(string input, UniqueNames names, Dictionary<string, QuantizedActivation> activations, List<NodeProto> nodes)
    {
        if (activations.TryGetValue(input, out var existing)) return existing;
        var q = new QuantizedActivation(names.Next($"{input}_quantized"), names.Next($"{input}_scale"), names.Next($"{input}_zero_point"));
        // Placed just before the first node that reads it: after the activation's producer, as topological order needs.
        nodes.Add(NodeBuilder.Op("DynamicQuantizeLinear", names.Next($"{input}_DynamicQuantizeLinear")).Inputs(input).Outputs(q.Values, q.Scale, q.ZeroPoint).Build());
        activations[input] = q;
        return q;
    }

    private static (IntegerWeight Weight, bool New) MatMulWeight(GraphEditor graph, DenseWeight dense, int qmax, UniqueNames names,
        Dictionary<(GraphProto, string, string), IntegerWeight> weights, List<(GraphEditor, string)> originals)
    {
        var source = dense.Source;
        var key = (source.DefiningGraph.Graph, source.Name, $"dense:{dense.Transposed}:{BitConverter.SingleToInt32Bits(dense.Alpha)}");
        if (weights.TryGetValue(key, out var existing)) return (existing, false);
        // Per output column: [K, N] is N channels of K weights, the column axis innermost.
        var (q, scales, _) = SymmetricQuantizer.Quantize(dense.Values, dense.K, dense.N, 1, qmax);
        for (var n = 0; n < scales.Length; n++) scales[n] *= dense.Alpha;
        var defining = graph.DefiningGraphOf(source);
        var w = AddWeight(defining, source.Name, [dense.K, dense.N], q, [dense.N], scales, names);
        weights[key] = w;
        originals.Add((defining, source.Name));
        return (w, true);
    }

    private static (IntegerWeight Weight, bool New) ConvWeight(GraphEditor graph, ConstantWeight source, int qmax, UniqueNames names,
        Dictionary<(GraphProto, string, string), IntegerWeight> weights, List<(GraphEditor, string)> originals)
    {
        var key = (source.DefiningGraph.Graph, source.Name, "conv");
        if (weights.TryGetValue(key, out var existing)) return (existing, false);
        var dims = source.Tensor.Dims.ToArray();
        var channels = checked((int)dims[0]);
        var values = TensorData.Read<float>(source.Tensor);
        var (q, scales, _) = SymmetricQuantizer.Quantize(values, 1, channels, values.Length / Math.Max(channels, 1), qmax);
        // [M, 1, ..., 1]: one scale per output channel, broadcast over the spatial axes of ConvInteger's output.
        var scaleDims = dims.Select((d, i) => i == 0 ? d : 1L).Take(dims.Length - 1).ToArray();
        var defining = graph.DefiningGraphOf(source);
        var w = AddWeight(defining, source.Name, dims, q, scaleDims, scales, names);
        weights[key] = w;
        originals.Add((defining, source.Name));
        return (w, true);
    }

    private static IntegerWeight AddWeight(GraphEditor defining, string source, long[] dims, sbyte[] q, long[] scaleDims, float[] scales, UniqueNames names)
    {
        var valuesName = names.Next($"{source}_quantized");
        var scalesName = names.Next($"{source}_scale");
        defining.AddInitializer(TensorData.Create(valuesName, dims, (ReadOnlySpan<sbyte>)q));
        defining.AddInitializer(TensorData.Create(scalesName, scaleDims, (ReadOnlySpan<float>)scales));
        return new IntegerWeight(valuesName, scalesName, 4L * q.Length, q.Length + 4L * scales.Length);
    }

    /// <summary>A Conv's bias as [M, 1, ..., 1] for an Add after the rescale; Ok is false when the bias is computed (then the Conv keeps its form).</summary>
    private static (bool Ok, string? Name)? ConvBias(GraphEditor graph, NodeProto node, int channels, int rank, UniqueNames names, List<(GraphEditor, string)> originals)
    {
        if (node.Input.Count < 3 || node.Input[2].Length == 0) return null;
        var bias = graph.FindConstant(node.Input[2]);
        if (bias is null || bias.Tensor.DataType != (int)DataType.Float || ElementCount(bias.Tensor) != channels) return (false, null);
        var name = names.Next($"{bias.Name}_per_channel");
        long[] dims = [channels, .. Enumerable.Repeat(1L, rank - 2)];
        var defining = graph.DefiningGraphOf(bias);
        defining.AddInitializer(TensorData.Create(name, dims, (ReadOnlySpan<float>)TensorData.Read<float>(bias.Tensor)));
        originals.Add((defining, bias.Name));
        return (true, name);
    }

    /// <summary>β·C for a Gemm whose β is not 1, when C is a constant; null (the Gemm keeps its form) when it is computed.</summary>
    private static string? ScaledBias(GraphEditor graph, string input, float beta, UniqueNames names, List<(GraphEditor, string)> originals)
    {
        var c = graph.FindConstant(input);
        if (c is null || c.Tensor.DataType != (int)DataType.Float) return null;
        var values = TensorData.Read<float>(c.Tensor).Select(v => v * beta).ToArray();
        var name = names.Next($"{c.Name}_scaled");
        var defining = graph.DefiningGraphOf(c);
        defining.AddInitializer(TensorData.Create(name, c.Tensor.Dims.ToArray(), (ReadOnlySpan<float>)values));
        originals.Add((defining, c.Name));
        return name;
    }

    private static long ElementCount(TensorProto tensor) => tensor.Dims.Aggregate(1L, (a, d) => a * d);
}

using Compression.Engine.Pipeline;
using Compression.Engine.Quantization.Embeddings;
using Compression.Engine.Recipes;
using Compression.Onnx.Editing;
using Compression.Onnx.Protobuf;
using Compression.Onnx.Tensors;
using DataType = Compression.Onnx.Protobuf.TensorProto.Types.DataType;

namespace Compression.Engine.Quantization.Int4;

/// <summary>
/// <c>Quantization=int4-weight</c>: weights become block-wise symmetric int4 (<see cref="BlockQuantizer"/>, the recipe's
/// BlockSize along the reduction axis), dequantized by the standard DequantizeLinear of opset 21 (int4 input,
/// <c>block_size</c>), so no vendor operator is needed and ONNX Runtime fuses DequantizeLinear → MatMul (and Gemm
/// without transB) into its MatMulNBits kernel. The model is raised to opset 21 by the opset converter; when it cannot be,
/// the item gets int8-weight with warning MCB2105.
/// <list type="bullet">
/// <item>MatMul and Gemm: the [K, N] weight (a Gemm's transB weight is transposed at build time and its alpha folded
/// into the scales, the only form ONNX Runtime fuses) in blocks along K, axis 0.</item>
/// <item>Conv: blocks along the input channels of a group (axis 1), only when they split into whole blocks.</item>
/// <item>Embedding tables read by Gather: int4 blocks along the row, unpacked row by row (<see cref="Int4RowTable"/>).</item>
/// <item>Everything else (ConvTranspose, a Conv with a partial block, a MatMul with a batched weight) keeps int8-weight's form.</item>
/// </list>
/// With CalibrationData, each MatMul/Gemm block's scale is searched for the least reconstruction error weighted by the
/// measured magnitude of each input channel (<see cref="ScaleSearch"/>, <see cref="ActivationImportance"/>); without
/// it the largest scale is kept, since unweighted clipping lowered the wake word's output by 4 dB (44.4 → 40.0) while
/// lowering its weight error. Embedding rows are always searched: a lookup's output is the row itself.
/// Scales are float32: DequantizeLinear-21's output has the scale's type, and ONNX Runtime fuses into MatMulNBits only a
/// DequantizeLinear that writes the float weight itself (float16 scales would need a Cast between them, which it does
/// not fuse). With blocks of 32 that is 4 bytes per 32 weights, and weights still shrink 6.4x.
/// </summary>
internal sealed class Int4WeightPass : ICompressionPass
{
    /// <summary>DequantizeLinear takes int4 and block_size from opset 21.</summary>
    public const long MinimumOpset = 21;

    public string Name => "int4-weight";

    /// <summary>
    /// Opset 21; BatchNormalization folded into its Conv/Gemm, so it is quantized with the weight instead of running in
    /// float after it (no equalization: it balances activation ranges, and only weights are quantized here). What int4
    /// does not take is int8-weight's, planned right after (that pass leaves the int4 weights alone: they are no longer float).
    /// </summary>
    public PassRequirements Requirements(Recipe recipe) => new()
    {
        Opset = new OpsetRequirement(MinimumOpset, recipe with { Quantization = QuantizationMode.Int8Weight, BlockSize = Recipe.Identity.BlockSize },
            EngineErrorCodes.Int4Unavailable, "int4 weights (DequantizeLinear with int4 and block_size)"),
        Preprocessing = PreprocessingNeeds.FoldedWeights,
        ThenRest = "int8-weight",
    };

    public PassReport Apply(CompressionContext context)
    {
        var blockSize = context.Recipe.BlockSize;
        var editor = new ModelEditor(context.Model);
        var written = new Dictionary<(GraphProto, string, string), string>();
        var originals = new List<(GraphEditor Graph, string Name)>();
        var importance = ActivationImportance.Measure(context);
        int dense = 0, convs = 0;
        long denseBefore = 0, denseAfter = 0, convBefore = 0, convAfter = 0;

        foreach (var graph in editor.AllGraphs.ToList())
        {
            foreach (var node in graph.Graph.Node.ToList())
            {
                if (context.IsExcluded(node)) continue;
                if (DenseWeight.Of(graph, node) is { } weight)
                {
                    if ((long)weight.K * weight.N < Int8WeightPass.MinElements) continue;
                    var key = (weight.Source.DefiningGraph.Graph, weight.Source.Name, $"dense:{weight.Transposed}:{BitConverter.SingleToInt32Bits(weight.Alpha)}");
                    if (!written.TryGetValue(key, out var output))
                    {
                        var (q, scales) = BlockQuantizer.Quantize(weight.Values, 1, weight.K, weight.N, blockSize, importance.For(node, weight.K),
                            searchScales: importance.Measured);
                        for (var s = 0; s < scales.Length; s++) scales[s] *= weight.Alpha;
                        var blocks = (weight.K + blockSize - 1) / blockSize;
                        var defining = graph.DefiningGraphOf(weight.Source);
                        output = AddDequantize(defining, weight.Source.Name, [weight.K, weight.N], q, [blocks, weight.N], scales, axis: 0, blockSize);
                        written[key] = output;
                        originals.Add((defining, weight.Source.Name));
                        dense++;
                        denseBefore += 4L * q.Length;
                        denseAfter += Int4Packing.PackedByteCount(q.Length) + 4L * scales.Length;
                    }
                    graph.SetInput(node, 1, output);
                    if (node.OpType == "Gemm") DenseWeight.ClearGemmTransposeAndAlpha(node);
                }
                else if (node.OpType == "Conv" && node.Domain is "" or "ai.onnx" && node.Input.Count > 1
                    && graph.FindConstant(node.Input[1]) is { } conv && FitsWholeBlocks(conv.Tensor, blockSize))
                {
                    var key = (conv.DefiningGraph.Graph, conv.Name, "conv");
                    if (!written.TryGetValue(key, out var output))
                    {
                        var dims = conv.Tensor.Dims.ToArray();
                        var (outer, length) = (checked((int)dims[0]), checked((int)dims[1]));
                        var values = TensorData.Read<float>(conv.Tensor);
                        var inner = values.Length / (outer * length);
                        var (q, scales) = BlockQuantizer.Quantize(values, outer, length, inner, blockSize, searchScales: false);
                        var scaleDims = dims.Select((d, i) => i == 1 ? d / blockSize : d).ToArray();
                        var defining = graph.DefiningGraphOf(conv);
                        output = AddDequantize(defining, conv.Name, dims, q, scaleDims, scales, axis: 1, blockSize);
                        written[key] = output;
                        originals.Add((defining, conv.Name));
                        convs++;
                        convBefore += 4L * q.Length;
                        convAfter += Int4Packing.PackedByteCount(q.Length) + 4L * scales.Length;
                    }
                    graph.SetInput(node, 1, output);
                }
            }
        }
        foreach (var (graph, name) in originals) graph.RemoveIfUnused(name);
        var tables = EmbeddingGathers.Run(context, editor, (graph, name, values, rows, width) => Int4RowTable.Fits(width, blockSize)
            ? Int4RowTable.Write(graph, name, values, rows, width, blockSize)
            : Int8RowTable.Write(graph, name, values, rows, width, Int8WeightPass.QMax));

        return new PassReport(Name, dense + convs + tables.Tensors, denseBefore + convBefore + tables.BytesBefore, denseAfter + convAfter + tables.BytesAfter,
        [
            $"{tables.Tensors} embedding tables to int4 in blocks of {blockSize} along the row (int8 per row where the width does not split into them), read row by row ({Ratio(tables.BytesBefore, tables.BytesAfter)})",
            $"{dense} MatMul/Gemm weights to int4 in blocks of {blockSize} along K ({Ratio(denseBefore, denseAfter)} with float32 scales)",
            $"{convs} Conv weights to int4 in blocks of {blockSize} along the input channels ({Ratio(convBefore, convAfter)})",
        ]);
    }

    /// <summary>A float Conv weight [M, C/g, k...] whose C/g splits into whole blocks (a partial block would waste a scale on a few weights and is left to int8).</summary>
    private static bool FitsWholeBlocks(TensorProto weight, int blockSize) =>
        weight.DataType == (int)DataType.Float && weight.Dims.Count >= 3 && weight.Dims[1] % blockSize == 0
        && weight.Dims.Aggregate(1L, (a, d) => a * d) >= Int8WeightPass.MinElements;

    private static string AddDequantize(GraphEditor graph, string source, long[] dims, sbyte[] q, long[] scaleDims, float[] scales, int axis, int blockSize)
    {
        var names = graph.Model.Names;
        var valuesName = names.Next($"{source}_int4");
        var scalesName = names.Next($"{source}_scale");
        var output = names.Next($"{source}_dequantized");
        graph.AddInitializer(TensorData.CreateInt4(valuesName, dims, q));
        graph.AddInitializer(TensorData.Create(scalesName, scaleDims, (ReadOnlySpan<float>)scales));
        // No zero point: symmetric, and DequantizeLinear's default zero point is 0 of the input's type (int4).
        // It reads only initializers, so it can lead the graph.
        graph.InsertNode(0, NodeBuilder.Op("DequantizeLinear", names.Next($"{source}_DequantizeLinear")).Inputs(valuesName, scalesName).Outputs(output)
            .IntAttribute("axis", axis).IntAttribute("block_size", blockSize).Build());
        return output;
    }

    private static string Ratio(long before, long after) =>
        after == 0 ? "nothing" : string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{(double)before / after:F2}x smaller");
}

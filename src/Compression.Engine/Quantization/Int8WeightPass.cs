using Compression.Engine.Pipeline;
using Compression.Engine.Quantization.Embeddings;
using Compression.Onnx.Editing;
using Compression.Onnx.Protobuf;
using Compression.Onnx.Tensors;
using DataType = Compression.Onnx.Protobuf.TensorProto.Types.DataType;

namespace Compression.Engine.Quantization;

/// <summary>
/// <c>Quantization=int8-weight</c>: the float weights of Conv, ConvTranspose, Gemm and MatMul, and the embedding tables
/// Gather reads (<see cref="EmbeddingGathers"/>, one scale per row), become symmetric int8 with
/// one scale per output channel, dequantized in the graph, so the file shrinks about 4x and the model still runs
/// everywhere (computation stays in float). Scales are stored as float16 where they fit (half the bytes of the
/// scales, which matter for depthwise layers) and widened by a Cast that runtimes fold at load. The form follows the model's opset and never raises it: DequantizeLinear
/// with <c>axis</c> from opset 13; before that a Cast to float and a Mul by the per-channel scales (DequantizeLinear at
/// opsets 10–12 has no axis, so it could only carry one scale per tensor).
/// </summary>
internal sealed class Int8WeightPass : ICompressionPass
{
    /// <summary>Tensors smaller than this stay float: their scales would cost about what quantizing saves.</summary>
    public const int MinElements = 64;

    public const int QMax = 127;

    /// <summary>
    /// 7-bit weights with <c>ReduceRange=true</c>, as the other int8 modes: no kernel needs it here (computation is
    /// float), but a packed file ships about one bit less per weight, at the cost of half the weight resolution.
    /// </summary>
    private const int ReducedQMax = 64;

    public string Name => "int8-weight";

    public PassReport Apply(CompressionContext context)
    {
        var opset = context.DefaultOpset;
        if (opset < 7)
            return PassReport.Nothing(Name, $"opset {opset} predates numpy-style broadcasting (opset 7): weights stay float");

        var editor = new ModelEditor(context.Model);
        var qmax = context.Recipe.ReduceRange ? ReducedQMax : QMax;
        var (tensors, before, after) = WeightRewrite.Run(context, editor, MinElements, (graph, weight, dims, axis) =>
        {
            var (output, bytes) = Quantize(graph, weight, dims, axis, opset, qmax);
            return new WeightRewrite.Rewritten(output, bytes);
        });
        var tables = EmbeddingGathers.Run(context, editor, (graph, name, values, rows, width) => Int8RowTable.Write(graph, name, values, rows, width, qmax));
        return new PassReport(Name, tensors + tables.Tensors, before + tables.BytesBefore, after + tables.BytesAfter,
        [
            $"{tensors} weight tensors to int8 per channel{(qmax == ReducedQMax ? ", 7-bit (reduce range)" : "")} ({(opset >= 13 ? "DequantizeLinear" : "Cast + Mul")} at opset {opset})",
            $"{tables.Tensors} embedding tables to int8 per row, read row by row (Gather + Cast + Mul)",
        ]);
    }

    private static (string Output, long Bytes) Quantize(GraphEditor graph, ConstantWeight weight, int[] dims, int axis, long opset, int qmax)
    {
        var names = graph.Model.Names;
        var values = TensorData.Read<float>(weight.Tensor);
        var channels = dims[axis];
        var outer = dims[..axis].Aggregate(1, (a, d) => a * d);
        var inner = dims[(axis + 1)..].Aggregate(1, (a, d) => a * d);
        var (q, scales, halfScales) = SymmetricQuantizer.Quantize(values, outer, channels, inner, qmax, halfScales: true);

        var qName = names.Next($"{weight.Name}_quantized");
        var output = names.Next($"{weight.Name}_dequantized");
        var added = new List<TensorProto> { TensorData.Create(qName, dims.Select(d => (long)d).ToArray(), (ReadOnlySpan<sbyte>)q) };
        var nodes = new List<NodeProto>();

        // Per-channel DequantizeLinear takes [C] scales (opset 13+); Mul's broadcasting wants them shaped [1, .., C, .., 1].
        long[] scaleDims = opset >= 13 ? [channels] : dims.Select((_, i) => i == axis ? (long)channels : 1L).ToArray();
        var scaleName = names.Next($"{weight.Name}_scale");
        var scale = scaleName;
        if (halfScales)
        {
            // Scales stored as float16 (the weights were quantized with exactly these values) and widened in the graph;
            // runtimes fold the Cast at load. Half the scale bytes matters for depthwise layers of 9 weights a channel.
            added.Add(TensorData.Create(scaleName, scaleDims, (ReadOnlySpan<Half>)scales.Select(v => (Half)v).ToArray()));
            scale = names.Next($"{weight.Name}_scale_float");
            nodes.Add(Cast(names, scaleName, scale, weight.Name));
        }
        else
        {
            added.Add(TensorData.Create(scaleName, scaleDims, (ReadOnlySpan<float>)scales));
        }
        var bytes = q.Length + (halfScales ? 2L : 4L) * channels;

        if (opset >= 13)
        {
            // No zero point: symmetric weights, and DequantizeLinear's default zero point is 0 of the input's type.
            nodes.Add(NodeBuilder.Op("DequantizeLinear", names.Next($"{weight.Name}_DequantizeLinear")).Inputs(qName, scale).Outputs(output).IntAttribute("axis", axis).Build());
        }
        else
        {
            var asFloat = names.Next($"{weight.Name}_as_float");
            nodes.Add(Cast(names, qName, asFloat, weight.Name));
            nodes.Add(NodeBuilder.Op("Mul", names.Next($"{weight.Name}_Scale")).Inputs(asFloat, scale).Outputs(output).Build());
        }

        foreach (var tensor in added) graph.AddInitializer(tensor);
        // The new nodes read only initializers (and each other, in order), so they can lead the graph.
        graph.InsertNodes(0, nodes);
        return (output, bytes);
    }

    private static NodeProto Cast(UniqueNames names, string input, string output, string weight) =>
        NodeBuilder.Op("Cast", names.Next($"{weight}_Cast")).Inputs(input).Outputs(output).IntAttribute("to", (long)DataType.Float).Build();
}

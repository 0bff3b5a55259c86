using Compression.Onnx.Editing;
using Compression.Onnx.Protobuf;
using Compression.Onnx.Tensors;
using DataType = Compression.Onnx.Protobuf.TensorProto.Types.DataType;

namespace Compression.Engine.Quantization.Embeddings;

/// <summary>
/// An embedding table in symmetric int8 with one float32 scale per row: a row is one token's vector, the unit a Gather
/// reads, so its scale travels with it. Symmetric rather than asymmetric: embedding rows are centred near zero (a
/// zero point would buy well under a bit on them) and it saves a third Gather and a Sub per lookup. The rows are read
/// as Gather(int8 table) and Gather(scales) with the Gather's own indices, then Cast to float and Mul — standard
/// operators of every opset from 7, so only the rows a lookup reads are ever dequantized.
/// </summary>
internal sealed class Int8RowTable : EmbeddingGathers.ITable
{
    private readonly string _values;
    private readonly string _scales;

    private Int8RowTable(string values, string scales, long bytes)
    {
        _values = values;
        _scales = scales;
        Bytes = bytes;
    }

    public long Bytes { get; }

    public static Int8RowTable Write(GraphEditor defining, string name, float[] values, int rows, int width, int qmax)
    {
        var names = defining.Model.Names;
        var (q, scales, _) = SymmetricQuantizer.Quantize(values, 1, rows, width, qmax);
        var valuesName = names.Next($"{name}_quantized");
        var scalesName = names.Next($"{name}_row_scale");
        defining.AddInitializer(TensorData.Create(valuesName, [rows, width], (ReadOnlySpan<sbyte>)q));
        // [rows, 1]: the gathered scales [..., 1] broadcast over the row's width.
        defining.AddInitializer(TensorData.Create(scalesName, [rows, 1], (ReadOnlySpan<float>)scales));
        return new Int8RowTable(valuesName, scalesName, q.Length + 4L * rows);
    }

    public IReadOnlyList<NodeProto> ReadRows(UniqueNames names, string indices, string output)
    {
        var rows = names.Next($"{_values}_rows");
        var rowScales = names.Next($"{_scales}_rows");
        var asFloat = names.Next($"{rows}_float");
        return
        [
            NodeBuilder.Op("Gather", names.Next($"{_values}_Gather")).Inputs(_values, indices).Outputs(rows).Build(),
            NodeBuilder.Op("Gather", names.Next($"{_scales}_Gather")).Inputs(_scales, indices).Outputs(rowScales).Build(),
            NodeBuilder.Op("Cast", names.Next($"{rows}_Cast")).Inputs(rows).Outputs(asFloat).IntAttribute("to", (long)DataType.Float).Build(),
            NodeBuilder.Op("Mul", names.Next($"{rows}_Scale")).Inputs(asFloat, rowScales).Outputs(output).Build(),
        ];
    }
}

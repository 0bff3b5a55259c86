using Compression.Engine.Quantization.Int4;
using Compression.Onnx.Editing;
using Compression.Onnx.Protobuf;
using Compression.Onnx.Tensors;
using DataType = Compression.Onnx.Protobuf.TensorProto.Types.DataType;

namespace Compression.Engine.Quantization.Embeddings;

/// <summary>
/// An embedding table in int4 blocks along the row (<see cref="BlockQuantizer"/>, one float32 scale per block), read
/// row by row with standard operators only. No standard operator gathers int4 rows (ONNX Runtime's CPU Gather takes
/// no int4), and a DequantizeLinear of the whole table would dequantize every row on every run; so the 4-bit values
/// are stored two to a byte as uint8 [rows, blocks, blockSize / 2] — the low nibble holds the block's first half, the
/// high nibble its second half, each offset by 8 — and a lookup gathers the bytes and the block scales of its rows,
/// splits the nibbles in float (exact for 0..255: Floor(x / 16) and x − 16·high), concatenates the halves back into
/// blocks, and scales. Only the rows read are ever unpacked. Needs whole, even blocks: a width that does not split
/// into them keeps the int8 row form.
/// </summary>
internal sealed class Int4RowTable : EmbeddingGathers.ITable
{
    private readonly string _packed;
    private readonly string _scales;
    private readonly string _sixteenth;
    private readonly string _sixteen;
    private readonly string _eight;
    private readonly string _width;

    private Int4RowTable(string packed, string scales, string sixteenth, string sixteen, string eight, string width, long bytes)
    {
        (_packed, _scales, _sixteenth, _sixteen, _eight, _width) = (packed, scales, sixteenth, sixteen, eight, width);
        Bytes = bytes;
    }

    public long Bytes { get; }

    public static bool Fits(int width, int blockSize) => blockSize >= 2 && blockSize % 2 == 0 && width % blockSize == 0;

    public static Int4RowTable Write(GraphEditor defining, string name, float[] values, int rows, int width, int blockSize)
    {
        if (!Fits(width, blockSize)) throw new ArgumentException($"a width of {width} does not split into even blocks of {blockSize}", nameof(width));
        var names = defining.Model.Names;
        var blocks = width / blockSize;
        var half = blockSize / 2;
        var (q, scales) = BlockQuantizer.Quantize(values, rows, width, 1, blockSize);
        var packed = new byte[rows * blocks * half];
        for (var r = 0; r < rows; r++)
            for (var b = 0; b < blocks; b++)
                for (var j = 0; j < half; j++)
                {
                    var start = r * width + b * blockSize;
                    var low = q[start + j] - BlockQuantizer.QMin;
                    var high = q[start + half + j] - BlockQuantizer.QMin;
                    packed[(r * blocks + b) * half + j] = (byte)(low | (high << 4));
                }

        var packedName = names.Next($"{name}_int4_rows");
        var scalesName = names.Next($"{name}_block_scale");
        defining.AddInitializer(TensorData.Create(packedName, [rows, blocks, half], (ReadOnlySpan<byte>)packed));
        // [rows, blocks, 1]: the gathered scales broadcast over each block's values.
        defining.AddInitializer(TensorData.Create(scalesName, [rows, blocks, 1], (ReadOnlySpan<float>)scales));
        string Scalar(string suffix, float value)
        {
            var scalar = names.Next($"{name}_{suffix}");
            defining.AddInitializer(TensorData.Create(scalar, [], (ReadOnlySpan<float>)[value]));
            return scalar;
        }
        var widthName = names.Next($"{name}_width");
        defining.AddInitializer(TensorData.Create(widthName, [1], (ReadOnlySpan<long>)[width]));
        return new Int4RowTable(packedName, scalesName, Scalar("one_sixteenth", 1f / 16), Scalar("sixteen", 16f), Scalar("int4_offset", -BlockQuantizer.QMin), widthName,
            packed.Length + 4L * scales.Length + 3 * 4 + 8);
    }

    public IReadOnlyList<NodeProto> ReadRows(UniqueNames names, string indices, string output)
    {
        string Next(string suffix) => names.Next($"{_packed}_{suffix}");
        NodeProto Op(string op, string[] inputs, string result) => NodeBuilder.Op(op, names.Next($"{result}_{op}")).Inputs(inputs).Outputs(result).Build();
        var bytes = Next("gathered");
        var asFloat = Next("float");
        var scaledDown = Next("div16");
        var high = Next("high");
        var highShifted = Next("high16");
        var low = Next("low");
        var joined = Next("blocks");
        var centred = Next("centred");
        var rowScales = names.Next($"{_scales}_rows");
        var scaled = Next("scaled");
        var indexShape = Next("index_shape");
        var outputShape = Next("shape");
        return
        [
            Op("Gather", [_packed, indices], bytes),
            NodeBuilder.Op("Cast", names.Next($"{asFloat}_Cast")).Inputs(bytes).Outputs(asFloat).IntAttribute("to", (long)DataType.Float).Build(),
            Op("Mul", [asFloat, _sixteenth], scaledDown),
            Op("Floor", [scaledDown], high),
            Op("Mul", [high, _sixteen], highShifted),
            Op("Sub", [asFloat, highShifted], low),
            NodeBuilder.Op("Concat", names.Next($"{joined}_Concat")).Inputs(low, high).Outputs(joined).IntAttribute("axis", -1).Build(),
            Op("Sub", [joined, _eight], centred),
            Op("Gather", [_scales, indices], rowScales),
            Op("Mul", [centred, rowScales], scaled),
            Op("Shape", [indices], indexShape),
            NodeBuilder.Op("Concat", names.Next($"{outputShape}_Concat")).Inputs(indexShape, _width).Outputs(outputShape).IntAttribute("axis", 0).Build(),
            Op("Reshape", [scaled, outputShape], output),
        ];
    }
}

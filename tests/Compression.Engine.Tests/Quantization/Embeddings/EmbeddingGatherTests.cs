using Compression.Engine.Pipeline;
using Compression.Engine.Recipes;
using Compression.Onnx.Model;
using Compression.Onnx.Protobuf;
using Compression.Onnx.Tensors;
using Compression.Testing;
using DataType = Compression.Onnx.Protobuf.TensorProto.Types.DataType;

namespace Compression.Engine.Tests.Quantization.Embeddings;

/// <summary>
/// Embedding tables read by Gather are quantized row by row, and the lookups dequantize only the rows they read; other
/// Gathers (constant indices, another axis) keep their float data. Judged in ONNX Runtime on a hand-built encoder start.
/// </summary>
public class EmbeddingGatherTests
{
    private const int Vocabulary = 40;
    private const int Width = 64;
    private const int Tokens = 5;

    /// <summary>Token ids of the test run, with a negative one (Gather counts it from the end) and a repeat.</summary>
    private static readonly long[] Ids = [3, 39, -1, 0, 3];

    /// <summary>
    /// ids [1, 5] → Gather(word [40, 64]) → "embedded" (an output, so the rows are compared directly) + Gather(position
    /// [8, 64], constant indices) → MatMul [64, 32] → "y"; and Gather(side [4, 40], ids, axis 1) → "side".
    /// </summary>
    internal static ModelProto EncoderStart(int seed = 7)
    {
        var random = new Random(seed);
        float[] Values(int count, double spread) => Enumerable.Range(0, count).Select(_ => (float)((random.NextDouble() - 0.5) * spread)).ToArray();
        var word = Values(Vocabulary * Width, 2);
        // One row with an outlier, as real tables have: per-row scales keep it from costing the other rows.
        word[5 * Width + 7] = 9f;
        var axisNode = TinyModels.Node("Gather", ["side", "ids"], ["side_out"], "side_lookup");
        axisNode.Attribute.Add(new AttributeProto { Name = "axis", Type = AttributeProto.Types.AttributeType.Int, I = 1 });
        return TinyModels.Model(new GraphProto
        {
            Name = "encoder_start",
            Input = { TinyModels.Int64("ids", 1, Tokens) },
            Output = { TinyModels.Float("embedded", 1, Tokens, Width), TinyModels.Float("y", 1, Tokens, 32), TinyModels.Float("side_out", 4, 1, Tokens) },
            Initializer =
            {
                TinyModels.FloatTensor("word", [Vocabulary, Width], word),
                TinyModels.FloatTensor("position", [8, Width], Values(8 * Width, 0.2)),
                TinyModels.Int64Tensor("position_ids", [1, Tokens], [0, 1, 2, 3, 4]),
                TinyModels.FloatTensor("W", [Width, 32], Values(Width * 32, 0.5)),
                TinyModels.FloatTensor("side", [4, Vocabulary], Values(4 * Vocabulary, 1)),
            },
            Node =
            {
                TinyModels.Node("Gather", ["word", "ids"], ["embedded"], "word_lookup"),
                TinyModels.Node("Gather", ["position", "position_ids"], ["positioned"], "position_lookup"),
                TinyModels.Node("Add", ["embedded", "positioned"], ["hidden"], "add"),
                TinyModels.Node("MatMul", ["hidden", "W"], ["y"], "dense"),
                axisNode,
            },
        }, opset: 13);
    }

    [Theory]
    [InlineData("int8-weight")]
    [InlineData("int8-dynamic")]
    public void Int8_modes_store_the_table_as_int8_rows_and_lookups_dequantize_only_the_rows_they_read(string mode)
    {
        using var temp = new TempFolder("embedding-int8");
        var (original, compressed) = Compress(temp, mode);
        var model = OnnxModel.Load(compressed).Proto;

        var table = Assert.Single(model.Graph.Initializer, t => t.Dims.SequenceEqual([(long)Vocabulary, Width]));
        Assert.Equal((int)DataType.Int8, table.DataType);
        Assert.Contains(model.Graph.Initializer, t => t.Dims.SequenceEqual([(long)Vocabulary, 1]) && t.DataType == (int)DataType.Float);
        Assert.DoesNotContain(model.Graph.Initializer, t => t.Name == "word");
        // The lookup gathers int8 rows: no node dequantizes the whole table.
        Assert.Contains(model.Graph.Node, n => n.OpType == "Gather" && n.Input[0] == table.Name && n.Input[1] == "ids");
        Assert.DoesNotContain(model.Graph.Node, n => n.OpType == "DequantizeLinear" && n.Input[0] == table.Name);
        AssertOtherGathersKeptFloat(model);

        var (expected, actual) = RunBoth(original, compressed);
        var rows = TensorData.Read<float>(OnnxModel.Load(original).Proto.Graph.Initializer.Single(t => t.Name == "word"));
        for (var t = 0; t < Tokens; t++)
        {
            var row = (int)((Ids[t] + Vocabulary) % Vocabulary);
            var halfStep = rows.AsSpan(row * Width, Width).ToArray().Max(MathF.Abs) / 127 / 2;
            for (var d = 0; d < Width; d++)
                Assert.InRange(Math.Abs(actual[0].Values[t * Width + d] - expected[0].Values[t * Width + d]), 0, halfStep * 1.0001f);
        }
        Assert.Equal(expected[2].Values, actual[2].Values); // the axis-1 Gather read the float table as it was
    }

    [Fact]
    public void Int4_weight_stores_the_table_as_packed_int4_blocks_along_the_row_and_unpacks_only_the_rows_read()
    {
        using var temp = new TempFolder("embedding-int4");
        var (original, compressed) = Compress(temp, "int4-weight");
        var model = OnnxModel.Load(compressed).Proto;

        const int block = 32;
        var packed = Assert.Single(model.Graph.Initializer, t => t.Dims.SequenceEqual([(long)Vocabulary, Width / block, block / 2]));
        Assert.Equal((int)DataType.Uint8, packed.DataType);
        Assert.Contains(model.Graph.Initializer, t => t.Dims.SequenceEqual([(long)Vocabulary, Width / block, 1]) && t.DataType == (int)DataType.Float);
        Assert.DoesNotContain(model.Graph.Initializer, t => t.Name == "word");
        Assert.Contains(model.Graph.Node, n => n.OpType == "Gather" && n.Input[0] == packed.Name && n.Input[1] == "ids");
        AssertOtherGathersKeptFloat(model);

        var (expected, actual) = RunBoth(original, compressed);
        var rows = TensorData.Read<float>(OnnxModel.Load(original).Proto.Graph.Initializer.Single(t => t.Name == "word"));
        for (var t = 0; t < Tokens; t++)
        {
            var row = (int)((Ids[t] + Vocabulary) % Vocabulary);
            for (var b = 0; b < Width / block; b++)
            {
                // Never worse than round-to-nearest on the block's largest scale (the scale search keeps that one
                // when nothing better is found), and no value further off than a clipped one can be (30% of the largest).
                var values = rows.AsSpan(row * Width + b * block, block).ToArray();
                var largest = Math.Max(-values.Min() / 8, values.Max() / 7);
                double rounded = 0, got = 0;
                for (var d = 0; d < block; d++)
                {
                    var error = actual[0].Values[t * Width + b * block + d] - expected[0].Values[t * Width + b * block + d];
                    got += error * error;
                    rounded += Math.Pow(values[d] - largest * Math.Clamp(Math.Round(values[d] / largest, MidpointRounding.ToEven), -8, 7), 2);
                    Assert.InRange(Math.Abs(error), 0, 0.3 * values.Max(MathF.Abs) + largest / 2);
                }
                Assert.True(got <= rounded * 1.0001 + 1e-12, $"token {t}, block {b}: error {got} over round-to-nearest's {rounded}");
            }
        }
        Assert.Equal(expected[2].Values, actual[2].Values);
    }

    [Fact]
    public void The_managed_executor_reads_int4_rows_as_onnx_runtime_does()
    {
        using var temp = new TempFolder("embedding-int4-executor");
        var (_, compressed) = Compress(temp, "int4-weight");
        var ort = InProcessOnnxRuntime.Run(compressed, [new InProcessOnnxRuntime.Input("ids", [1, Tokens], Ids)]);
        var ours = new Compression.Evaluation.Execution.ModelExecutor(OnnxModel.Load(compressed))
            .Run(new Dictionary<string, Compression.Evaluation.Tensors.Tensor> { ["ids"] = Compression.Evaluation.Tensors.Tensor.Create([1, Tokens], Ids) });
        // Unpacking is exact integer arithmetic in float and one multiply a value: the same bits in both runtimes.
        Assert.Equal(ort[0].Values, ours["embedded"].ToArray<float>());
    }

    [Fact]
    public void Static_int8_stores_embedding_tables_as_int8_rows()
    {
        using var temp = new TempFolder("embedding-static");
        var original = temp.Combine("m.onnx");
        OnnxModel.FromProto(EncoderStart()).Save(original);
        var calibration = temp.CreateFolder("calibration");
        for (var s = 0; s < 2; s++)
        {
            var sample = temp.CreateFolder("calibration", $"sample_{s:000}");
            Compression.Onnx.DataFiles.NpyFile.Write(Path.Combine(sample, "ids.npy"),
                TensorData.Create("ids", [1L, Tokens], (ReadOnlySpan<long>)Enumerable.Range(0, Tokens).Select(i => (long)((i * 7 + s * 3) % Vocabulary)).ToArray()));
        }
        var compressed = temp.Combine("q.onnx");
        ModelCompressor.Compress(original, compressed, "portable", QuantizedModelRuns.Recipe(("Quantization", "int8")), calibrationData: calibration);
        var model = OnnxModel.Load(compressed).Proto;
        Assert.Contains(model.Graph.Initializer, t => t.Dims.SequenceEqual([(long)Vocabulary, Width]) && t.DataType == (int)DataType.Int8);
        var (expected, actual) = RunBoth(original, compressed);
        Assert.True(Fidelity.SqnrDb(expected[0].Values, actual[0].Values) > 35, "int8 rows keep the embedding within a half step per row");
    }

    private static void AssertOtherGathersKeptFloat(ModelProto model)
    {
        // Constant indices (the position lookup) and axis 1 (side) are not embedding reads: their tables stay float
        // (the position lookup may be folded into its float result by the modes that fold constants first).
        Assert.DoesNotContain(model.Graph.Initializer, t => t.Name.StartsWith("position", StringComparison.Ordinal) && t.DataType != (int)DataType.Float && t.DataType != (int)DataType.Int64);
        Assert.Contains(model.Graph.Initializer, t => t.Name is "position" or "positioned" && t.DataType == (int)DataType.Float);
        Assert.Contains(model.Graph.Initializer, t => t.Name == "side" && t.DataType == (int)DataType.Float);
        Assert.Contains(model.Graph.Node, n => n.OpType == "Gather" && n.Input[0] == "side");
    }

    private static (string Original, string Compressed) Compress(TempFolder temp, string mode)
    {
        var original = temp.Combine("m.onnx");
        OnnxModel.FromProto(EncoderStart()).Save(original);
        var compressed = temp.Combine("q.onnx");
        ModelCompressor.Compress(original, compressed, "portable", QuantizedModelRuns.Recipe(("Quantization", mode)));
        return (original, compressed);
    }

    private static (List<(long[] Shape, float[] Values)> Expected, List<(long[] Shape, float[] Values)> Actual) RunBoth(string original, string compressed)
    {
        InProcessOnnxRuntime.Input[] inputs = [new("ids", [1, Tokens], Ids)];
        var expected = InProcessOnnxRuntime.Run(original, inputs);
        var actual = InProcessOnnxRuntime.Run(compressed, inputs);
        for (var o = 0; o < expected.Count; o++) Assert.Equal(expected[o].Shape, actual[o].Shape);
        return (expected, actual);
    }
}

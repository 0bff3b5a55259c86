using Compression.Onnx.Protobuf;
using Google.Protobuf;

namespace Compression.Testing;

/// <summary>Small hand-built models for tests that need one exact structure (the real models cover the rest).</summary>
public static class TinyModels
{
    /// <summary>The attribute <see cref="RefusedByOnnxRuntime"/> adds: no operator schema knows it.</summary>
    public const string UnknownAttribute = "not_an_attribute";

    /// <summary>
    /// Saves <paramref name="source"/> to <paramref name="destination"/> with an attribute no operator schema has on its
    /// first node: structurally sound, and refused by ONNX Runtime's graph resolution.
    /// </summary>
    public static void RefusedByOnnxRuntime(string source, string destination)
    {
        var proto = Compression.Onnx.Model.OnnxModel.Load(source).Proto.Clone();
        proto.Graph.Node[0].Attribute.Add(new AttributeProto { Name = UnknownAttribute, Type = AttributeProto.Types.AttributeType.Int, I = 1 });
        Compression.Onnx.Model.OnnxModel.FromProto(proto).Save(destination);
    }

    public static ValueInfoProto Float(string name, params long[] dims) => Value(name, TensorProto.Types.DataType.Float, dims);

    public static ValueInfoProto Int64(string name, params long[] dims) => Value(name, TensorProto.Types.DataType.Int64, dims);

    public static ValueInfoProto Value(string name, TensorProto.Types.DataType type, params long[] dims) => new()
    {
        Name = name,
        Type = new TypeProto
        {
            TensorType = new TypeProto.Types.Tensor
            {
                ElemType = (int)type,
                Shape = new TensorShapeProto { Dim = { dims.Select(d => new TensorShapeProto.Types.Dimension { DimValue = d }) } },
            },
        },
    };

    public static TensorProto Int64Tensor(string name, long[] dims, long[] values)
    {
        var bytes = new byte[values.Length * 8];
        Buffer.BlockCopy(values, 0, bytes, 0, bytes.Length);
        return new TensorProto { Name = name, DataType = (int)TensorProto.Types.DataType.Int64, Dims = { dims }, RawData = ByteString.CopyFrom(bytes) };
    }

    public static TensorProto FloatTensor(string name, long[] dims, float[] values)
    {
        var bytes = new byte[values.Length * 4];
        Buffer.BlockCopy(values, 0, bytes, 0, bytes.Length);
        return new TensorProto { Name = name, DataType = (int)TensorProto.Types.DataType.Float, Dims = { dims }, RawData = ByteString.CopyFrom(bytes) };
    }

    public static NodeProto Node(string op, string[] inputs, string[] outputs, string? name = null) => new()
    {
        OpType = op,
        Name = name ?? outputs[0],
        Input = { inputs },
        Output = { outputs },
    };

    public static ModelProto Model(GraphProto graph, long opset = 13) => new()
    {
        IrVersion = 8,
        ProducerName = "tests",
        OpsetImport = { new OperatorSetIdProto { Domain = "", Version = opset } },
        Graph = graph,
    };

    /// <summary>y = x · W + b with a [rows, cols] weight: a Gemm with initializers, the shape of a dense layer.</summary>
    public static ModelProto Dense(int rows, int cols, int seed = 1)
    {
        var random = new Random(seed);
        var w = Enumerable.Range(0, rows * cols).Select(_ => (float)(random.NextDouble() - 0.5)).ToArray();
        var b = Enumerable.Range(0, cols).Select(_ => (float)(random.NextDouble() - 0.5)).ToArray();
        return Model(new GraphProto
        {
            Name = "dense",
            Input = { Float("x", 1, rows) },
            Output = { Float("y", 1, cols) },
            Initializer = { FloatTensor("W", [rows, cols], w), FloatTensor("b", [cols], b) },
            Node = { Node("Gemm", ["x", "W", "b"], ["y"]) },
        });
    }

    /// <summary>
    /// An embedding lookup as a text encoder starts: int64 token ids [1, 6] (a graph input) index a float [16, 8] table
    /// with Gather, a float input x [1, 6, 8] is added, and the sum is flattened by a Reshape whose int64 shape is computed
    /// from Shape, a Gather with a constant int64 index, Unsqueeze and Concat — integer values on the indices, data and
    /// shape operands that must stay integer, beside a float path that may become fp16. Outputs: y [1, 48] and the
    /// position count (int64, from the shape chain).
    /// </summary>
    public static ModelProto EmbeddingLookup(int seed = 1)
    {
        var random = new Random(seed);
        var table = Enumerable.Range(0, 16 * 8).Select(_ => (float)(random.NextDouble() - 0.5)).ToArray();
        return Model(new GraphProto
        {
            Name = "embedding",
            Input = { Int64("ids", 1, 6), Float("x", 1, 6, 8) },
            Output = { Float("y", 1, 48), Int64("positions") },
            Initializer =
            {
                FloatTensor("table", [16, 8], table),
                Int64Tensor("one", [], [1]),
                Int64Tensor("batch", [1], [1]),
                Int64Tensor("axes", [1], [0]),
                Int64Tensor("width", [1], [8]),
            },
            Node =
            {
                Node("Gather", ["table", "ids"], ["embedded"], "lookup"),
                Node("Add", ["embedded", "x"], ["sum"], "add"),
                Node("Shape", ["ids"], ["ids_shape"], "shape"),
                Node("Gather", ["ids_shape", "one"], ["positions"], "positions"),
                Node("Unsqueeze", ["positions", "axes"], ["positions_1d"], "unsqueeze"),
                Node("Mul", ["positions_1d", "batch"], ["flat"], "flat"),
                Node("Mul", ["flat", "width"], ["features"], "features"),
                Concat(["batch", "features"], "shape"),
                Node("Reshape", ["sum", "shape"], ["y"], "reshape"),
            },
        });
    }

    private static NodeProto Concat(string[] inputs, string output)
    {
        var node = Node("Concat", inputs, [output], "concat");
        node.Attribute.Add(new AttributeProto { Name = "axis", Type = AttributeProto.Types.AttributeType.Int, I = 0 });
        return node;
    }

    /// <summary>
    /// <see cref="Dense"/> at opset 9 followed by an Upsample: the opset converter has no step for Upsample past opset 9
    /// (it became Resize), so the model cannot be raised to 13 — what static int8 needs.
    /// </summary>
    public static ModelProto DenseWithUpsampleAtOpset9()
    {
        var model = Dense(16, 8);
        model.OpsetImport[0].Version = 9;
        model.Graph.Node.Add(Node("Upsample", ["y", "scales"], ["u"]));
        model.Graph.Initializer.Add(FloatTensor("scales", [2], [1, 2]));
        model.Graph.Output.Add(Float("u"));
        return model;
    }
}

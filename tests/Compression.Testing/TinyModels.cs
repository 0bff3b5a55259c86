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

    public static ValueInfoProto Float(string name, params long[] dims) => new()
    {
        Name = name,
        Type = new TypeProto
        {
            TensorType = new TypeProto.Types.Tensor
            {
                ElemType = (int)TensorProto.Types.DataType.Float,
                Shape = new TensorShapeProto { Dim = { dims.Select(d => new TensorShapeProto.Types.Dimension { DimValue = d }) } },
            },
        },
    };

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

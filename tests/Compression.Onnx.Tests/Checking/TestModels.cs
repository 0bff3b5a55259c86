using Compression.Onnx.Protobuf;
using Google.Protobuf;
using AttributeType = Compression.Onnx.Protobuf.AttributeProto.Types.AttributeType;
using DataType = Compression.Onnx.Protobuf.TensorProto.Types.DataType;

namespace Compression.Onnx.Tests.Checking;

/// <summary>Small hand-built models: a valid one to start from, and the pieces the rule tests change in it.</summary>
internal static class TestModels
{
    /// <summary>x → Relu → r → Add(r, w) → y, IR 8, opset 17; w is an initializer that is not an input.</summary>
    public static ModelProto Valid()
    {
        var graph = new GraphProto { Name = "main" };
        graph.Input.Add(Value("x"));
        graph.Output.Add(Value("y"));
        graph.Initializer.Add(FloatTensor("w", 1f, 2f));
        graph.Node.Add(Node("Relu", ["x"], ["r"], "relu"));
        graph.Node.Add(Node("Add", ["r", "w"], ["y"], "add"));
        var model = new ModelProto { IrVersion = 8, Graph = graph };
        model.OpsetImport.Add(new OperatorSetIdProto { Domain = "", Version = 17 });
        return model;
    }

    public static ValueInfoProto Value(string name)
    {
        var shape = new TensorShapeProto();
        shape.Dim.Add(new TensorShapeProto.Types.Dimension { DimValue = 2 });
        return new ValueInfoProto
        {
            Name = name,
            Type = new TypeProto { TensorType = new TypeProto.Types.Tensor { ElemType = (int)DataType.Float, Shape = shape } },
        };
    }

    public static NodeProto Node(string op, string[] inputs, string[] outputs, string? name = null, string? domain = null)
    {
        var node = new NodeProto { OpType = op };
        if (name is not null) node.Name = name;
        if (domain is not null) node.Domain = domain;
        node.Input.AddRange(inputs);
        node.Output.AddRange(outputs);
        return node;
    }

    public static TensorProto FloatTensor(string name, params float[] values)
    {
        var t = new TensorProto { Name = name, DataType = (int)DataType.Float };
        t.Dims.Add(values.Length);
        t.FloatData.AddRange(values);
        return t;
    }

    public static TensorProto RawTensor(string name, DataType type, long[] dims, int bytes)
    {
        var t = new TensorProto { Name = name, DataType = (int)type, RawData = ByteString.CopyFrom(new byte[bytes]) };
        t.Dims.AddRange(dims);
        return t;
    }

    public static AttributeProto IntAttribute(string name, long value) =>
        new() { Name = name, Type = AttributeType.Int, I = value };

    public static AttributeProto GraphAttribute(string name, GraphProto graph) =>
        new() { Name = name, Type = AttributeType.Graph, G = graph };

    /// <summary>A branch graph with no inputs, whose one output <paramref name="output"/> an Identity of <paramref name="source"/> makes.</summary>
    public static GraphProto Branch(string name, string source, string output)
    {
        var g = new GraphProto { Name = name };
        g.Node.Add(Node("Identity", [source], [output]));
        g.Output.Add(new ValueInfoProto { Name = output });
        return g;
    }

    /// <summary>Valid() with an If after the Relu whose branches read <paramref name="thenSource"/> and r; its output is z.</summary>
    public static ModelProto WithIf(string thenSource, string thenOutput = "t_out")
    {
        var model = Valid();
        var node = Node("If", ["x"], ["z"], "if");
        node.Attribute.Add(GraphAttribute("then_branch", Branch("then", thenSource, thenOutput)));
        node.Attribute.Add(GraphAttribute("else_branch", Branch("else", "r", "e_out")));
        model.Graph.Node.Insert(1, node);
        return model;
    }
}

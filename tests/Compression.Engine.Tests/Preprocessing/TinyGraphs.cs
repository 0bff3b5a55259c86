using Compression.Onnx.Protobuf;
using Compression.Testing;
using AttributeType = Compression.Onnx.Protobuf.AttributeProto.Types.AttributeType;

namespace Compression.Engine.Tests.Preprocessing;

/// <summary>Pieces of the tiny graphs the preprocessing tests build (on top of <see cref="TinyModels"/>).</summary>
internal static class TinyGraphs
{
    public static NodeProto Int(this NodeProto node, string name, long value)
    {
        node.Attribute.Add(new AttributeProto { Name = name, Type = AttributeType.Int, I = value });
        return node;
    }

    public static NodeProto Float(this NodeProto node, string name, float value)
    {
        node.Attribute.Add(new AttributeProto { Name = name, Type = AttributeType.Float, F = value });
        return node;
    }

    public static NodeProto Tensor(this NodeProto node, string name, TensorProto value)
    {
        node.Attribute.Add(new AttributeProto { Name = name, Type = AttributeType.Tensor, T = value });
        return node;
    }

    /// <summary>An If over <paramref name="condition"/> whose branches are both <paramref name="branch"/>.</summary>
    public static NodeProto If(string condition, string output, GraphProto branch)
    {
        var node = TinyModels.Node("If", [condition], [output]);
        node.Attribute.Add(new AttributeProto { Name = "then_branch", Type = AttributeType.Graph, G = branch });
        node.Attribute.Add(new AttributeProto { Name = "else_branch", Type = AttributeType.Graph, G = branch.Clone() });
        return node;
    }

    /// <summary>Seeded values in [-1, 1), shifted by <paramref name="offset"/> (variances need a positive one).</summary>
    public static TensorProto Random(string name, long[] dims, int seed, float offset = 0)
    {
        var random = new System.Random(seed);
        var values = new float[dims.Aggregate(1L, (a, d) => a * d)];
        for (var i = 0; i < values.Length; i++) values[i] = (float)(random.NextDouble() * 2 - 1) + offset;
        return TinyModels.FloatTensor(name, dims, values);
    }

    /// <summary>A BatchNormalization of <paramref name="channels"/> channels from <paramref name="input"/> to <paramref name="output"/>, its parameters added to <paramref name="graph"/>.</summary>
    public static NodeProto BatchNorm(GraphProto graph, string input, string output, int channels, int seed = 11)
    {
        var prefix = output + "_bn";
        graph.Initializer.Add(Random($"{prefix}_scale", [channels], seed));
        graph.Initializer.Add(Random($"{prefix}_bias", [channels], seed + 1));
        graph.Initializer.Add(Random($"{prefix}_mean", [channels], seed + 2));
        graph.Initializer.Add(Random($"{prefix}_var", [channels], seed + 3, offset: 1.5f));
        return TinyModels.Node("BatchNormalization", [input, $"{prefix}_scale", $"{prefix}_bias", $"{prefix}_mean", $"{prefix}_var"], [output])
            .Float("epsilon", 1e-3f);
    }

    /// <summary>A float value whose first dimension is the symbol <paramref name="batch"/>.</summary>
    public static ValueInfoProto SymbolicBatch(string name, string batch, params long[] rest)
    {
        var info = TinyModels.Float(name, [1, .. rest]);
        info.Type.TensorType.Shape.Dim[0] = new TensorShapeProto.Types.Dimension { DimParam = batch };
        return info;
    }

    public static int Count(ModelProto model, string op) => model.Graph.Node.Count(n => n.OpType == op);
}

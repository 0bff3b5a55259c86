using Compression.Onnx.Protobuf;
using Compression.Testing;
using static Compression.Engine.Tests.Preprocessing.TinyGraphs;

namespace Compression.Engine.Tests.Pruning;

/// <summary>
/// A one-layer transformer encoder block as a BERT export writes it, built by hand: x [1, S, 16] (S symbolic) →
/// single-head self-attention (Q, K, V projections with biases, Transpose, batched MatMul, scaling Div, Softmax,
/// output projection) → residual Add → feed-forward MatMul [16, 64] + bias → GELU written out (Div √2, Erf, Add 1,
/// Mul x, Mul 0.5) → MatMul [64, 16] + bias → residual Add → y.
/// </summary>
internal static class TinyEncoderBlock
{
    public const int Width = 16, Hidden = 64;

    public static GraphProto Graph(int seed = 1, bool perUnitScale = false)
    {
        var graph = new GraphProto
        {
            Name = "encoder",
            Input = { SymbolicSequence("x") },
            Output = { SymbolicSequence("y") },
        };
        void Scalar(string name, float value) => graph.Initializer.Add(TinyModels.FloatTensor(name, [], [value]));
        void Dense(string x, string y, int inputs, int outputs, int s)
        {
            graph.Initializer.Add(Random($"{y}_w", [inputs, outputs], s, 0));
            graph.Initializer.Add(Random($"{y}_b", [outputs], s + 1));
            graph.Node.Add(TinyModels.Node("MatMul", [x, $"{y}_w"], [$"{y}_mm"], $"{y}_matmul"));
            graph.Node.Add(TinyModels.Node("Add", [$"{y}_b", $"{y}_mm"], [y], $"{y}_bias"));
        }

        Dense("x", "q", Width, Width, seed);
        Dense("x", "k", Width, Width, seed + 2);
        Dense("x", "v", Width, Width, seed + 4);
        var transpose = TinyModels.Node("Transpose", ["k"], ["kt"]);
        transpose.Attribute.Add(new AttributeProto { Name = "perm", Type = AttributeProto.Types.AttributeType.Ints, Ints = { 0, 2, 1 } });
        graph.Node.Add(transpose);
        graph.Node.Add(TinyModels.Node("MatMul", ["q", "kt"], ["scores"]));
        Scalar("scale", 4);
        graph.Node.Add(TinyModels.Node("Div", ["scores", "scale"], ["scaled"]));
        graph.Node.Add(TinyModels.Node("Softmax", ["scaled"], ["p"]).Int("axis", -1));
        graph.Node.Add(TinyModels.Node("MatMul", ["p", "v"], ["attended"]));
        Dense("attended", "o", Width, Width, seed + 6);
        graph.Node.Add(TinyModels.Node("Add", ["x", "o"], ["r1"]));

        Dense("r1", "h", Width, Hidden, seed + 8);
        Scalar("sqrt2", 1.4142135f);
        Scalar("one", 1);
        Scalar("half", 0.5f);
        graph.Node.Add(TinyModels.Node("Div", ["h", "sqrt2"], ["h_div"]));
        graph.Node.Add(TinyModels.Node("Erf", ["h_div"], ["h_erf"]));
        graph.Node.Add(TinyModels.Node("Add", ["h_erf", "one"], ["h_plus"]));
        graph.Node.Add(TinyModels.Node("Mul", ["h", "h_plus"], ["h_mul"]));
        graph.Node.Add(TinyModels.Node("Mul", ["h_mul", "half"], [perUnitScale ? "gelu_unscaled" : "gelu"]));
        if (perUnitScale)
        {
            // One scale per hidden unit: a layer the feed-forward rule does not follow, so nothing may be pruned.
            graph.Initializer.Add(Random("unit_scale", [Hidden], seed + 20, 1));
            graph.Node.Add(TinyModels.Node("Mul", ["gelu_unscaled", "unit_scale"], ["gelu"]));
        }
        Dense("gelu", "f", Hidden, Width, seed + 10);
        graph.Node.Add(TinyModels.Node("Add", ["r1", "f"], ["y"]));
        return graph;
    }

    /// <summary>A float [1, S, 16] value with a symbolic sequence length.</summary>
    private static ValueInfoProto SymbolicSequence(string name)
    {
        var info = TinyModels.Float(name, 1, 1, Width);
        info.Type.TensorType.Shape.Dim[1] = new TensorShapeProto.Types.Dimension { DimParam = "sequence" };
        return info;
    }
}

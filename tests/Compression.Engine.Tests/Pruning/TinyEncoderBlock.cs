using Compression.Onnx.Protobuf;
using Compression.Testing;
using static Compression.Engine.Tests.Preprocessing.TinyGraphs;

namespace Compression.Engine.Tests.Pruning;

/// <summary>
/// A one-layer transformer encoder block as a BERT export writes it, built by hand: x [1, S, 16] (S symbolic) →
/// multi-head self-attention (Q, K, V projections with biases split into heads by Reshape and Transpose, batched
/// MatMul, scaling Div, Softmax, heads merged, output projection) → residual Add → feed-forward MatMul [16, 64] + bias → GELU written out (Div √2, Erf, Add 1,
/// Mul x, Mul 0.5) → MatMul [64, 16] + bias → residual Add → y.
/// </summary>
internal static class TinyEncoderBlock
{
    public const int Width = 16, Hidden = 64;

    public static GraphProto Graph(int seed = 1, bool perUnitScale = false, int heads = 4)
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
        // Split into heads as exports do: Reshape to Concat(batch, sequence, heads, head size), batch and sequence read
        // from the projection's own Shape; K transposed straight to [b, heads, dh, s].
        graph.Initializer.Add(TinyModels.Int64Tensor("axis0", [1], [0]));
        graph.Initializer.Add(TinyModels.Int64Tensor("index0", [], [0]));
        graph.Initializer.Add(TinyModels.Int64Tensor("index1", [], [1]));
        string Dims(string value, params long[] rest)
        {
            graph.Node.Add(TinyModels.Node("Shape", [value], [$"{value}_shape"]));
            var parts = new List<string>();
            foreach (var i in new[] { 0, 1 })
            {
                graph.Node.Add(TinyModels.Node("Gather", [$"{value}_shape", $"index{i}"], [$"{value}_d{i}"]).Int("axis", 0));
                graph.Node.Add(TinyModels.Node("Unsqueeze", [$"{value}_d{i}", "axis0"], [$"{value}_u{i}"]));
                parts.Add($"{value}_u{i}");
            }
            for (var r = 0; r < rest.Length; r++)
            {
                graph.Initializer.Add(TinyModels.Int64Tensor($"{value}_c{r}", [1], [rest[r]]));
                parts.Add($"{value}_c{r}");
            }
            graph.Node.Add(TinyModels.Node("Concat", [.. parts], [$"{value}_dims"]).Int("axis", 0));
            return $"{value}_dims";
        }
        NodeProto Transpose(string x, string y, params long[] perm)
        {
            var node = TinyModels.Node("Transpose", [x], [y]);
            node.Attribute.Add(new AttributeProto { Name = "perm", Type = AttributeProto.Types.AttributeType.Ints, Ints = { perm } });
            return node;
        }
        foreach (var (name, perm) in new[] { ("q", new long[] { 0, 2, 1, 3 }), ("k", [0, 2, 3, 1]), ("v", [0, 2, 1, 3]) })
        {
            graph.Node.Add(TinyModels.Node("Reshape", [name, Dims(name, heads, Width / heads)], [$"{name}_split"]));
            graph.Node.Add(Transpose($"{name}_split", $"{name}_heads", perm));
        }
        graph.Node.Add(TinyModels.Node("MatMul", ["q_heads", "k_heads"], ["scores"]));
        Scalar("scale", MathF.Sqrt(Width / heads));
        graph.Node.Add(TinyModels.Node("Div", ["scores", "scale"], ["scaled"]));
        graph.Node.Add(TinyModels.Node("Softmax", ["scaled"], ["p"]).Int("axis", -1));
        graph.Node.Add(TinyModels.Node("MatMul", ["p", "v_heads"], ["context"]));
        graph.Node.Add(Transpose("context", "context_t", 0, 2, 1, 3));
        graph.Node.Add(TinyModels.Node("Reshape", ["context_t", Dims("context_t", Width)], ["attended"]));
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

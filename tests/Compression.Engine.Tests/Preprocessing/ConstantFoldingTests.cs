using Compression.Engine.Preprocessing;
using Compression.Engine.Preprocessing.ConstantFolding;
using Compression.Onnx.Protobuf;
using Compression.Onnx.Tensors;
using Compression.Testing;

namespace Compression.Engine.Tests.Preprocessing;

/// <summary>
/// Constant folding computes what is constant with the executor's kernels and stores it, and leaves what must stay:
/// shapes over symbolic dimensions, results over the size rule, quantization and random nodes, subgraph holders.
/// </summary>
public class ConstantFoldingTests
{
    /// <summary>x → Reshape(x, Concat(Shape(x)[0], [-1])): the flatten that exporters write out as a shape chain.</summary>
    private static ModelProto ShapeChain(ValueInfoProto input, ValueInfoProto output)
    {
        var graph = new GraphProto
        {
            Name = "shape-chain",
            Input = { input },
            Output = { output },
            Initializer = { TensorData.Create<long>("zero", [1], [0L]), TensorData.Create<long>("one", [1], [1L]) },
            Node =
            {
                TinyModels.Node("Shape", ["x"], ["shape"]),
                TinyModels.Node("Slice", ["shape", "zero", "one"], ["batch"]),
                TinyModels.Node("Constant", [], ["rest"]).Tensor("value", TensorData.Create<long>("", [1], [-1L])),
                TinyModels.Node("Concat", ["batch", "rest"], ["target"]).Int("axis", 0),
                TinyModels.Node("Reshape", ["x", "target"], ["y"]),
            },
        };
        return TinyModels.Model(graph);
    }

    [Fact]
    public void A_shape_chain_over_a_static_shape_folds_into_the_reshape_target()
    {
        var original = ShapeChain(TinyModels.Float("x", 2, 3, 4), TinyModels.Float("y", 2, 12));
        var model = original.Clone();
        Preprocessor.Run(model);
        var reshape = Assert.Single(model.Graph.Node);
        Assert.Equal("Reshape", reshape.OpType);
        var target = Assert.Single(model.Graph.Initializer);
        Assert.Equal("target", target.Name);
        Assert.Equal([2L, -1L], TensorData.Read<long>(target));
        Assert.Equal(0, PreprocessingOracle.MaxDifferenceOnExecutor(original, model));
    }

    [Fact]
    public void A_shape_over_a_symbolic_batch_stays_and_only_the_constant_becomes_an_initializer()
    {
        var model = ShapeChain(TinyGraphs.SymbolicBatch("x", "N", 3, 4), TinyGraphs.SymbolicBatch("y", "N", 12));
        Preprocessor.Run(model);
        Assert.Equal(["Shape", "Slice", "Concat", "Reshape"], model.Graph.Node.Select(n => n.OpType));
        Assert.Contains(model.Graph.Initializer, t => t.Name == "rest");
    }

    [Theory]
    [InlineData(4, true)]       // 4·4·16·4 = 1 KiB: at the byte floor, folded
    [InlineData(16, false)]     // 16·16·16·4 = 16 KiB from 32 bytes of shape: over the rule, kept
    public void Constant_of_shape_folds_only_while_its_result_is_small(long side, bool folds)
    {
        var graph = new GraphProto
        {
            Name = "fill",
            Input = { TinyModels.Float("x", 1, 16, side, side) },
            Output = { TinyModels.Float("y", 1, 16, side, side) },
            Initializer = { TensorData.Create<long>("dims", [4], [1L, 16, side, side]) },
            Node =
            {
                TinyModels.Node("ConstantOfShape", ["dims"], ["fill"]).Tensor("value", TensorData.Create<float>("", [1], [0.5f])),
                TinyModels.Node("Add", ["x", "fill"], ["y"]),
            },
        };
        var model = TinyModels.Model(graph);
        var report = new ConstantFoldingPass().Apply(model);
        Assert.Equal(folds ? 0 : 1, TinyGraphs.Count(model, "ConstantOfShape"));
        if (!folds) Assert.Contains(report.Notes, n => n.Contains("size rule", StringComparison.Ordinal));
        else Assert.Equal(4L * 16 * side * side, report.BytesAfter - report.BytesBefore);
    }

    [Fact]
    public void Quantization_random_and_subgraph_nodes_are_never_folded()
    {
        var branch = new GraphProto
        {
            Name = "branch",
            Output = { TinyModels.Float("b", 2) },
            Node = { TinyModels.Node("Constant", [], ["b"]).Tensor("value", TinyModels.FloatTensor("", [2], [1, 2])) },
        };
        var graph = new GraphProto
        {
            Name = "kept",
            Input = { TinyModels.Float("x", 2, 2) },
            Output = { TinyModels.Float("y", 2, 2), TinyModels.Float("q", 2), TinyModels.Float("r", 2), TinyModels.Float("i", 2) },
            Initializer =
            {
                TensorData.Create<sbyte>("w_q", [2, 2], [1, -2, 3, -4]),
                TinyModels.FloatTensor("w_scale", [], [0.5f]),
                TinyModels.FloatTensor("v", [2], [0.25f, 0.75f]),
                TensorData.Create<bool>("cond", [], [true]),
            },
            Node =
            {
                TinyModels.Node("DequantizeLinear", ["w_q", "w_scale"], ["w"]),
                TinyModels.Node("MatMul", ["x", "w"], ["y"]),
                TinyModels.Node("QuantizeLinear", ["v", "w_scale"], ["v_q"]),
                TinyModels.Node("DequantizeLinear", ["v_q", "w_scale"], ["q"]),
                TinyModels.Node("RandomNormal", [], ["r"]).Int("dtype", 1),
                TinyGraphs.If("cond", "i", branch),
            },
        };
        graph.Node[4].Attribute.Add(new AttributeProto { Name = "shape", Type = AttributeProto.Types.AttributeType.Ints, Ints = { 2 } });
        var model = TinyModels.Model(graph);
        var before = model.Clone();
        var report = new ConstantFoldingPass().Apply(model);
        Assert.Equal(before, model);
        Assert.Contains(report.Notes, n => n.Contains("DequantizeLinear: quantization node", StringComparison.Ordinal));
        Assert.Contains(report.Notes, n => n.Contains("QuantizeLinear: quantization node", StringComparison.Ordinal));
        Assert.Contains(report.Notes, n => n.Contains("RandomNormal: random operator", StringComparison.Ordinal));
        Assert.Contains(report.Notes, n => n.Contains("If: node with subgraphs", StringComparison.Ordinal));
    }

    [Fact]
    public void Constant_nodes_become_initializers_under_their_names_and_arithmetic_on_them_folds()
    {
        var graph = new GraphProto
        {
            Name = "constants",
            Input = { TinyModels.Float("x", 2) },
            Output = { TinyModels.Float("y", 2) },
            Node =
            {
                TinyModels.Node("Constant", [], ["a"]).Tensor("value", TinyModels.FloatTensor("", [2], [1, 2])),
                TinyModels.Node("Constant", [], ["b"]).Float("value_float", 3),
                TinyModels.Node("Mul", ["a", "b"], ["ab"]),
                TinyModels.Node("Add", ["x", "ab"], ["y"]),
            },
        };
        var original = TinyModels.Model(graph);
        var model = original.Clone();
        Preprocessor.Run(model);
        Assert.Equal("Add", Assert.Single(model.Graph.Node).OpType);
        var ab = Assert.Single(model.Graph.Initializer);
        Assert.Equal("ab", ab.Name);
        Assert.Equal([3f, 6f], TensorData.Read<float>(ab));
        Assert.Equal(0, PreprocessingOracle.MaxDifferenceOnExecutor(original, model));
    }

    [Fact]
    public void Before_ir_4_folded_values_stay_constant_nodes_and_the_model_gains_no_inputs()
    {
        // IR 3 requires every initializer to be a graph input: storing folded values as initializers would add inputs.
        var graph = new GraphProto
        {
            Name = "ir3",
            Input = { TinyModels.Float("x", 2), TinyModels.Float("a", 2) },
            Output = { TinyModels.Float("y", 2) },
            Initializer = { TinyModels.FloatTensor("a", [2], [1, 2]) },
            Node =
            {
                TinyModels.Node("Constant", [], ["b"]).Tensor("value", TinyModels.FloatTensor("", [2], [3, 4])),
                TinyModels.Node("Mul", ["a", "b"], ["ab"]),
                TinyModels.Node("Add", ["x", "ab"], ["y"]),
            },
        };
        var original = TinyModels.Model(graph, opset: 8);
        original.IrVersion = 3;
        var model = original.Clone();
        Preprocessor.Run(model);
        Assert.Equal(["x", "a"], model.Graph.Input.Select(i => i.Name));
        Assert.Equal(["Constant", "Add"], model.Graph.Node.Select(n => n.OpType));
        Assert.Equal("ab", model.Graph.Node[0].Output[0]);
        Assert.Equal([3f, 8f], TensorData.Read<float>(model.Graph.Node[0].Attribute[0].T));
        Assert.True(Compression.Onnx.Checking.ModelChecker.Check(model).IsValid);
    }
}

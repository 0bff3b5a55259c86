using Compression.Engine.Preprocessing.BatchNormFolding;
using Compression.Onnx.Protobuf;
using Compression.Testing;

namespace Compression.Engine.Tests.Preprocessing;

/// <summary>
/// BatchNormalization folds into the weight and bias of the Conv, ConvTranspose, Gemm or MatMul before it, and the
/// folded model gives ONNX Runtime the same outputs; where folding would change what another reader sees, it stays.
/// </summary>
public class BatchNormFoldingTests
{
    /// <summary>Float rounding of w·s against the two-step product on outputs of magnitude about 1-10.</summary>
    private const double Tolerance = 1e-5;

    [Fact]
    public async Task A_depthwise_conv_absorbs_its_batch_normalization_and_gains_a_bias()
    {
        var graph = new GraphProto
        {
            Name = "depthwise",
            Input = { TinyModels.Float("x", 1, 4, 5, 5) },
            Output = { TinyModels.Float("y", 1, 4, 5, 5) },
            Initializer = { TinyGraphs.Random("w", [4, 1, 3, 3], 1) },
            Node = { TinyModels.Node("Conv", ["x", "w"], ["c"]).Int("group", 4) },
        };
        graph.Node[0].Attribute.Add(new AttributeProto { Name = "pads", Type = AttributeProto.Types.AttributeType.Ints, Ints = { 1, 1, 1, 1 } });
        graph.Node.Add(TinyGraphs.BatchNorm(graph, "c", "y", 4));
        var original = TinyModels.Model(graph);

        var folded = await FoldAndCompare(original);
        var conv = Assert.Single(folded.Graph.Node);
        Assert.Equal(["x", "w", conv.Input[2]], conv.Input);
        Assert.Equal("y", conv.Output[0]);
    }

    [Fact]
    public async Task A_grouped_conv_transpose_maps_its_weight_to_output_channels_group_by_group()
    {
        // W is [C_in = 4, C_out/group = 3, 2, 2] with 2 groups: 6 output channels; a bias is present and shifted.
        var graph = new GraphProto
        {
            Name = "deconv",
            Input = { TinyModels.Float("x", 1, 4, 3, 3) },
            Output = { TinyModels.Float("y", 1, 6, 6, 6) },
            Initializer = { TinyGraphs.Random("w", [4, 3, 2, 2], 2), TinyGraphs.Random("b", [6], 3) },
            Node = { TinyModels.Node("ConvTranspose", ["x", "w", "b"], ["c"]).Int("group", 2) },
        };
        graph.Node[0].Attribute.Add(new AttributeProto { Name = "strides", Type = AttributeProto.Types.AttributeType.Ints, Ints = { 2, 2 } });
        graph.Node.Add(TinyGraphs.BatchNorm(graph, "c", "y", 6));
        var folded = await FoldAndCompare(TinyModels.Model(graph));
        Assert.Equal("ConvTranspose", Assert.Single(folded.Graph.Node).OpType);
    }

    [Fact]
    public async Task A_gemm_with_transposed_weight_and_beta_folds_its_bias_into_one_with_beta_one()
    {
        var graph = new GraphProto
        {
            Name = "gemm",
            Input = { TinyModels.Float("x", 3, 5) },
            Output = { TinyModels.Float("y", 3, 4) },
            Initializer = { TinyGraphs.Random("w", [4, 5], 4), TinyGraphs.Random("c", [4], 5) },
            Node = { TinyModels.Node("Gemm", ["x", "w", "c"], ["g"]).Int("transB", 1).Float("beta", 0.5f).Float("alpha", 1.5f) },
        };
        graph.Node.Add(TinyGraphs.BatchNorm(graph, "g", "y", 4));
        var folded = await FoldAndCompare(TinyModels.Model(graph));
        var gemm = Assert.Single(folded.Graph.Node);
        Assert.DoesNotContain(gemm.Attribute, a => a.Name == "beta");
        Assert.Contains(gemm.Attribute, a => a.Name == "alpha" && a.F == 1.5f);
    }

    [Fact]
    public async Task A_matrix_product_with_a_constant_weight_becomes_a_gemm_with_the_folded_bias()
    {
        var graph = new GraphProto
        {
            Name = "matmul",
            Input = { TinyModels.Float("x", 2, 6) },
            Output = { TinyModels.Float("y", 2, 3) },
            Initializer = { TinyGraphs.Random("w", [6, 3], 6) },
            Node = { TinyModels.Node("MatMul", ["x", "w"], ["m"]) },
        };
        graph.Node.Add(TinyGraphs.BatchNorm(graph, "m", "y", 3));
        var folded = await FoldAndCompare(TinyModels.Model(graph));
        Assert.Equal("Gemm", Assert.Single(folded.Graph.Node).OpType);
    }

    [Fact]
    public void A_conv_output_read_by_another_node_too_keeps_its_batch_normalization()
    {
        var graph = new GraphProto
        {
            Name = "shared-output",
            Input = { TinyModels.Float("x", 1, 2, 4, 4) },
            Output = { TinyModels.Float("y", 1, 2, 4, 4), TinyModels.Float("r", 1, 2, 4, 4) },
            Initializer = { TinyGraphs.Random("w", [2, 2, 1, 1], 7) },
            Node = { TinyModels.Node("Conv", ["x", "w"], ["c"]), TinyModels.Node("Relu", ["c"], ["r"]) },
        };
        graph.Node.Add(TinyGraphs.BatchNorm(graph, "c", "y", 2));
        var model = TinyModels.Model(graph);
        var before = model.Clone();
        var report = new BatchNormFoldingPass().Apply(model);
        Assert.Equal(before, model);
        Assert.Contains(report.Notes, n => n.Contains("read by other nodes", StringComparison.Ordinal));
    }

    [Fact]
    public void Two_convs_sharing_a_weight_fold_into_copies_and_keep_their_outputs()
    {
        var graph = new GraphProto
        {
            Name = "shared-weight",
            Input = { TinyModels.Float("x", 1, 2, 3, 3) },
            Output = { TinyModels.Float("y1", 1, 2, 3, 3), TinyModels.Float("y2", 1, 2, 3, 3) },
            Initializer = { TinyGraphs.Random("w", [2, 2, 1, 1], 8) },
            Node = { TinyModels.Node("Conv", ["x", "w"], ["c1"]), TinyModels.Node("Conv", ["x", "w"], ["c2"]) },
        };
        graph.Node.Add(TinyGraphs.BatchNorm(graph, "c1", "y1", 2, seed: 20));
        graph.Node.Add(TinyGraphs.BatchNorm(graph, "c2", "y2", 2, seed: 30));
        var original = TinyModels.Model(graph);
        var folded = original.Clone();
        new BatchNormFoldingPass().Apply(folded);
        Assert.Equal(0, TinyGraphs.Count(folded, "BatchNormalization"));
        Assert.NotEqual(folded.Graph.Node[0].Input[1], folded.Graph.Node[1].Input[1]);
        Assert.True(PreprocessingOracle.MaxDifferenceOnExecutor(original, folded) <= Tolerance);
    }

    [Fact]
    public void A_batch_normalization_after_an_activation_or_in_training_mode_stays()
    {
        var graph = new GraphProto
        {
            Name = "unfoldable",
            Input = { TinyModels.Float("x", 1, 2, 3, 3) },
            Output = { TinyModels.Float("y", 1, 2, 3, 3), TinyModels.Float("z", 1, 2, 3, 3) },
            Initializer = { TinyGraphs.Random("w", [2, 2, 1, 1], 9) },
            Node = { TinyModels.Node("Relu", ["x"], ["r"]), TinyModels.Node("Conv", ["x", "w"], ["c"]) },
        };
        graph.Node.Add(TinyGraphs.BatchNorm(graph, "r", "y", 2));
        graph.Node.Add(TinyGraphs.BatchNorm(graph, "c", "z", 2).Int("training_mode", 1));
        var model = TinyModels.Model(graph, opset: 15);
        var report = new BatchNormFoldingPass().Apply(model);
        Assert.Equal(2, TinyGraphs.Count(model, "BatchNormalization"));
        Assert.Contains(report.Notes, n => n.Contains("follows Relu", StringComparison.Ordinal));
        Assert.Contains(report.Notes, n => n.Contains("training mode", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_scalar_or_per_channel_mul_after_a_conv_folds_into_it_and_an_add_by_a_constant_stays()
    {
        // PP-LCNet's learnable affine block, Conv → Mul(scalar, conv) → Add(conv·a, [1, C, 1, 1]), then a per-channel
        // Mul: both Muls fold (in either operand order); the Add stays (a shift would coarsen the activation's int8 range).
        var graph = new GraphProto
        {
            Name = "affine",
            Input = { TinyModels.Float("x", 1, 3, 5, 5) },
            Output = { TinyModels.Float("y", 1, 4, 5, 5) },
            Initializer =
            {
                TinyGraphs.Random("w", [4, 3, 3, 3], 11), TinyGraphs.Random("b", [4], 12), TinyGraphs.Random("a", [1], 13),
                TinyGraphs.Random("c", [1, 4, 1, 1], 14), TinyGraphs.Random("s", [4, 1, 1], 15), TinyGraphs.Random("v", [4, 4, 1, 1], 16),
            },
            Node =
            {
                TinyModels.Node("Conv", ["x", "w", "b"], ["conv"]), TinyModels.Node("Mul", ["a", "conv"], ["scaled"]), TinyModels.Node("Add", ["scaled", "c"], ["shifted"]),
                TinyModels.Node("Conv", ["shifted", "v"], ["conv2"]), TinyModels.Node("Mul", ["conv2", "s"], ["y"]),
            },
        };
        graph.Node[0].Attribute.Add(new AttributeProto { Name = "pads", Type = AttributeProto.Types.AttributeType.Ints, Ints = { 1, 1, 1, 1 } });
        var original = TinyModels.Model(graph);
        var folded = original.Clone();
        var report = new BatchNormFoldingPass().Apply(folded);
        Assert.Equal(["Conv", "Add", "Conv"], folded.Graph.Node.Select(n => n.OpType));
        Assert.Equal(["scaled", "y"], folded.Graph.Node.Where(n => n.OpType == "Conv").Select(n => n.Output[0]));
        Assert.Contains(report.Notes, n => n.Contains("2 per-channel Mul by constants folded", StringComparison.Ordinal));
        var difference = await PreprocessingOracle.MaxDifferenceInOnnxRuntimeAsync(original, folded);
        Assert.True(difference <= Tolerance, $"max |diff| {difference}");
    }

    [Fact]
    public void A_mul_or_add_that_is_not_per_channel_or_not_by_a_constant_stays()
    {
        // [5] lands on the width axis of a rank-4 output; a Mul by another activation is no affine of the Conv.
        var graph = new GraphProto
        {
            Name = "not-affine",
            Input = { TinyModels.Float("x", 1, 2, 5, 5) },
            Output = { TinyModels.Float("y", 1, 2, 5, 5), TinyModels.Float("z", 1, 2, 5, 5) },
            Initializer = { TinyGraphs.Random("w", [2, 2, 1, 1], 15), TinyGraphs.Random("v", [2, 2, 1, 1], 16), TinyGraphs.Random("row", [5], 17) },
            Node =
            {
                TinyModels.Node("Conv", ["x", "w"], ["c1"]), TinyModels.Node("Mul", ["c1", "row"], ["y"]),
                TinyModels.Node("Conv", ["x", "v"], ["c2"]), TinyModels.Node("Mul", ["c2", "x"], ["z"]),
            },
        };
        var model = TinyModels.Model(graph);
        var before = model.Clone();
        new BatchNormFoldingPass().Apply(model);
        Assert.Equal(before, model);
    }

    /// <summary>Folds, asserts every BatchNormalization is gone, and compares with the original in ONNX Runtime.</summary>
    private static async Task<ModelProto> FoldAndCompare(ModelProto original)
    {
        var folded = original.Clone();
        var report = new BatchNormFoldingPass().Apply(folded);
        Assert.Equal(0, TinyGraphs.Count(folded, "BatchNormalization"));
        Assert.StartsWith("1 BatchNormalization nodes folded", report.Notes[0], StringComparison.Ordinal);
        var difference = await PreprocessingOracle.MaxDifferenceInOnnxRuntimeAsync(original, folded);
        Assert.True(difference <= Tolerance, $"max |diff| {difference}");
        return folded;
    }
}

using Compression.Engine.Pipeline;
using Compression.Engine.Recipes;
using Compression.Engine.Tests.Preprocessing;
using Compression.Onnx.DataFiles;
using Compression.Onnx.Model;
using Compression.Onnx.Protobuf;
using Compression.Testing;
using static Compression.Engine.Tests.Preprocessing.TinyGraphs;

namespace Compression.Engine.Tests.Pruning;

/// <summary>
/// channels:0.5 on tiny graphs of one structure each: what shrinks, what is pinned, and that ONNX Runtime runs the result
/// with the original's output shape (and, refit on calibration data, close to the original's outputs).
/// </summary>
public class ChannelPruningTinyModelTests
{
    private static readonly Recipe Half = RecipeOptions.Apply(Recipe.Identity, new Dictionary<string, string> { ["Pruning"] = "channels:0.5" });

    private static NodeProto Conv(GraphProto graph, string x, string y, int outputs, int inputs, int kernel = 3, int group = 1, int seed = 1)
    {
        graph.Initializer.Add(Random($"{y}_w", [outputs, inputs / group, kernel, kernel], seed));
        graph.Initializer.Add(Random($"{y}_b", [outputs], seed + 1));
        var node = TinyModels.Node("Conv", [x, $"{y}_w", $"{y}_b"], [y]);
        node.Attribute.Add(new AttributeProto { Name = "pads", Type = AttributeProto.Types.AttributeType.Ints, Ints = { kernel / 2, kernel / 2, kernel / 2, kernel / 2 } });
        return group == 1 ? node : node.Int("group", group);
    }

    private static GraphProto Graph(int channels, params long[] output) => new()
    {
        Name = "tiny",
        Input = { TinyModels.Float("x", 1, channels, 8, 8) },
        Output = { TinyModels.Float("y", output) },
    };

    /// <summary>Prunes with a calibration set of 8 seeded samples; returns the pruned model and ONNX Runtime's SQNR against the original.</summary>
    private static async Task<(ModelProto Pruned, double Sqnr, CompressionResult Result)> PruneAsync(GraphProto graph, TempFolder temp)
    {
        var path = temp.Combine("m.onnx");
        OnnxModel.FromProto(TinyModels.Model(graph)).Save(path);
        var calibration = temp.CreateFolder("calibration");
        var dims = graph.Input[0].Type.TensorType.Shape.Dim.Select(d => d.DimValue).ToArray();
        for (var s = 0; s < 8; s++)
        {
            Directory.CreateDirectory(Path.Combine(calibration, $"sample_{s:000}"));
            NpyFile.Write(Path.Combine(calibration, $"sample_{s:000}", "input_0.npy"), Random("x", dims, 100 + s));
        }
        var result = ModelCompressor.Compress(path, temp.Combine("p.onnx"), "portable", Half, calibrationData: calibration, threads: 1);
        var inputs = temp.CreateFolder("inputs");
        await ModelInputs.GenerateAsync(path, inputs);
        var reference = await OnnxRuntimeOracle.RunAsync(path, inputs, temp.Combine("reference"));
        var actual = await OnnxRuntimeOracle.RunAsync(temp.Combine("p.onnx"), inputs, temp.Combine("actual"));
        Assert.Equal(reference.Outputs[0].Shape, actual.Outputs[0].Shape);
        return (OnnxModel.Load(temp.Combine("p.onnx")).Proto, Fidelity.SqnrDb(reference, actual).Min(), result);
    }

    private static long[] Dims(ModelProto model, string name) => model.Graph.Initializer.Single(t => t.Name == name).Dims.ToArray();

    [Fact]
    public async Task Conv_BatchNormalization_Relu_Conv_loses_half_the_middle_channels_and_the_refit_keeps_it_close()
    {
        using var temp = new TempFolder("tiny-prune-chain");
        var graph = Graph(3, 1, 4, 8, 8);
        graph.Node.Add(Conv(graph, "x", "a", 8, 3));
        graph.Node.Add(BatchNorm(graph, "a", "n", 8));
        graph.Node.Add(TinyModels.Node("Relu", ["n"], ["r"]));
        graph.Node.Add(Conv(graph, "r", "y", 4, 8, seed: 5));
        var (pruned, sqnr, result) = await PruneAsync(graph, temp);
        Assert.Equal([4L, 3, 3, 3], Dims(pruned, "a_w"));
        Assert.Equal([4L, 4, 3, 3], Dims(pruned, "y_w"));
        Assert.DoesNotContain(pruned.Graph.Node, n => n.OpType == "BatchNormalization");
        Assert.Contains(result.Pass("prune-channels").Notes, n => n.Contains("refit by least squares", StringComparison.Ordinal));
        // Half the 8 channels of a random 3 → 8 → 4 net carry real signal; the refit recovers part of it (measured ~9 dB).
        Assert.True(sqnr > 3, $"SQNR {sqnr:F1} dB");
    }

    [Fact]
    public async Task Channels_tied_by_a_residual_Add_are_pruned_together_in_both_convs()
    {
        using var temp = new TempFolder("tiny-prune-residual");
        var graph = Graph(3, 1, 4, 8, 8);
        graph.Node.Add(Conv(graph, "x", "a", 8, 3));
        graph.Node.Add(TinyModels.Node("Relu", ["a"], ["ra"]));
        graph.Node.Add(Conv(graph, "ra", "b", 8, 8, seed: 3));
        graph.Node.Add(TinyModels.Node("Add", ["a", "b"], ["s"]));
        graph.Node.Add(Conv(graph, "s", "y", 4, 8, seed: 5));
        var (pruned, _, _) = await PruneAsync(graph, temp);
        // a and b are tied channel by channel: one residual class set of 8, half removed from both writers.
        Assert.Equal(4, Dims(pruned, "a_w")[0]);
        Assert.Equal(4, Dims(pruned, "b_w")[0]);
        Assert.Equal(4, Dims(pruned, "b_w")[1]);
        Assert.Equal(4, Dims(pruned, "y_w")[1]);
    }

    [Fact]
    public async Task A_Concat_maps_each_inputs_channels_to_their_offset()
    {
        using var temp = new TempFolder("tiny-prune-concat");
        var graph = Graph(3, 1, 4, 8, 8);
        graph.Node.Add(Conv(graph, "x", "a", 4, 3));
        graph.Node.Add(Conv(graph, "x", "b", 6, 3, seed: 3));
        graph.Node.Add(TinyModels.Node("Concat", ["a", "b"], ["c"]).Int("axis", 1));
        graph.Node.Add(Conv(graph, "c", "y", 4, 10, seed: 5));
        var (pruned, _, _) = await PruneAsync(graph, temp);
        var (a, b) = (Dims(pruned, "a_w")[0], Dims(pruned, "b_w")[0]);
        Assert.Equal(5, a + b); // ⌊0.5 · 10⌋ of the Concat's 10 classes go
        Assert.Equal(a + b, Dims(pruned, "y_w")[1]);
    }

    [Fact]
    public async Task A_removed_channel_removes_the_depthwise_filter_that_reads_it()
    {
        using var temp = new TempFolder("tiny-prune-depthwise");
        var graph = Graph(3, 1, 4, 8, 8);
        graph.Node.Add(Conv(graph, "x", "a", 8, 3));
        graph.Node.Add(Conv(graph, "a", "d", 8, 8, group: 8, seed: 3));
        graph.Node.Add(TinyModels.Node("Relu", ["d"], ["r"]));
        graph.Node.Add(Conv(graph, "r", "y", 4, 8, kernel: 1, seed: 5));
        var (pruned, _, _) = await PruneAsync(graph, temp);
        Assert.Equal(4, Dims(pruned, "a_w")[0]);
        Assert.Equal([4L, 1, 3, 3], Dims(pruned, "d_w"));
        Assert.Equal(4, pruned.Graph.Node.Single(n => n.Output[0] == "d").Attribute.Single(a => a.Name == "group").I);
        Assert.Equal(4, Dims(pruned, "y_w")[1]);
    }

    [Fact]
    public async Task Flatten_then_Gemm_loses_the_spatial_block_of_each_removed_channel()
    {
        using var temp = new TempFolder("tiny-prune-flatten");
        var graph = Graph(3, 1, 5);
        graph.Node.Add(Conv(graph, "x", "a", 6, 3));
        graph.Node.Add(TinyModels.Node("Relu", ["a"], ["r"]));
        graph.Node.Add(TinyModels.Node("Flatten", ["r"], ["f"]).Int("axis", 1));
        graph.Initializer.Add(Random("g_w", [6 * 64, 5], 7));
        graph.Initializer.Add(Random("g_b", [5], 8));
        graph.Node.Add(TinyModels.Node("Gemm", ["f", "g_w", "g_b"], ["y"]));
        var (pruned, _, _) = await PruneAsync(graph, temp);
        Assert.Equal(3, Dims(pruned, "a_w")[0]);
        Assert.Equal([3L * 64, 5], Dims(pruned, "g_w"));
    }

    [Fact]
    public async Task Channels_that_reach_a_graph_output_are_pinned()
    {
        using var temp = new TempFolder("tiny-prune-pinned");
        var graph = Graph(3, 1, 8, 8, 8);
        graph.Node.Add(Conv(graph, "x", "a", 8, 3));
        graph.Node.Add(TinyModels.Node("Relu", ["a"], ["y"]));
        var (pruned, sqnr, result) = await PruneAsync(graph, temp);
        Assert.Equal(8, Dims(pruned, "a_w")[0]);
        Assert.True(double.IsPositiveInfinity(sqnr));
        Assert.Contains(result.Pass("prune-channels").Notes, n => n.Contains("a graph output", StringComparison.Ordinal));
    }
}

using Compression.Onnx.Diagnostics;
using Compression.Onnx.Graph;
using Compression.Onnx.Model;
using Compression.Onnx.Protobuf;
using Compression.Testing;

namespace Compression.Onnx.Tests.Graph;

public class GraphIndexTests
{
    private static ModelIndex Backend(string test) =>
        new(OnnxModel.Load(Path.Combine(TestAssets.BackendSuiteRoot, "node", test, "model.onnx")).Proto);

    [Fact]
    public void A_loop_body_reading_an_outer_value_makes_the_loop_a_consumer_of_it()
    {
        var index = Backend("test_range_float_type_positive_delta_expanded");
        var loop = index.Main.Graph.Node.Single(n => n.OpType == "Loop");
        Assert.Equal(["delta"], index.Main.ImplicitInputsOf(loop));
        var consumers = index.Main.ConsumersOf("delta").Select(n => n.OpType).ToList();
        Assert.Equal(["Cast", "Loop"], consumers);

        var body = Assert.Single(index.Main.SubgraphsOf(loop));
        Assert.Equal("body", body.AttributeName);
        Assert.Same(index.Main, body.Index.Parent);
        Assert.Same(loop, body.Index.Owner);
        Assert.Equal(2, index.AllGraphs.Count());
    }

    [Fact]
    public void If_branches_are_indexed_as_two_subgraphs_of_the_node()
    {
        var index = Backend("test_if");
        var node = index.Main.Graph.Node.Single(n => n.OpType == "If");
        Assert.Equal(["else_branch", "then_branch"], index.Main.SubgraphsOf(node).Select(s => s.AttributeName).Order(StringComparer.Ordinal));
        Assert.All(index.Main.SubgraphsOf(node), s => Assert.Equal(1, s.Index.Depth));
    }

    [Fact]
    public void Producers_and_initializers_are_found_by_name()
    {
        var index = new ModelIndex(TinyModels.Dense(3, 2));
        Assert.Equal("Gemm", index.Main.ProducerOf("y")!.OpType);
        Assert.Null(index.Main.ProducerOf("x"));
        Assert.True(index.Main.Initializers.ContainsKey("W"));
        Assert.Equal(13, index.Opsets[""]);
        Assert.Equal(13, index.OpsetOf(index.Main.Graph.Node[0]));
    }

    [Fact]
    public void Topological_order_puts_producers_first_and_keeps_file_order_otherwise()
    {
        var graph = new GraphProto
        {
            Input = { TinyModels.Float("x", 1) },
            Output = { TinyModels.Float("d", 1) },
            Node =
            {
                TinyModels.Node("Relu", ["c"], ["d"]),
                TinyModels.Node("Relu", ["x"], ["a"]),
                TinyModels.Node("Relu", ["x"], ["b"]),
                TinyModels.Node("Add", ["a", "b"], ["c"]),
            },
        };
        var order = new GraphIndex(graph).TopologicalOrder.Select(n => n.Output[0]);
        Assert.Equal(["a", "b", "c", "d"], order);
    }

    [Fact]
    public void A_cycle_is_a_coded_error()
    {
        var graph = new GraphProto
        {
            Node = { TinyModels.Node("Relu", ["b"], ["a"]), TinyModels.Node("Relu", ["a"], ["b"]) },
        };
        var e = Assert.Throws<CompressionException>(() => new GraphIndex(graph));
        Assert.Equal(ErrorCodes.ModelCheckFailed, e.Code);
        Assert.Contains("cycle", e.Message);
    }

    [Fact]
    public void Every_backend_model_indexes_with_a_complete_topological_order()
    {
        var count = 0;
        foreach (var path in TestAssets.BackendModels())
        {
            var index = new ModelIndex(OnnxModel.Load(path).Proto);
            foreach (var g in index.AllGraphs)
                Assert.Equal(g.Graph.Node.Count, g.TopologicalOrder.Distinct().Count());
            count++;
        }
        Assert.True(count > 1000);
    }
}

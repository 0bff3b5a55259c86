using Compression.Onnx.Editing;
using Compression.Onnx.Protobuf;
using Compression.Testing;

namespace Compression.Onnx.Tests.Editing;

public class GraphEditorTests
{
    [Fact]
    public void Producers_and_consumers_follow_nodes_as_they_are_added_and_removed()
    {
        var editor = new ModelEditor(TinyModels.Dense(3, 2));
        var graph = editor.Main;
        var gemm = graph.ProducerOf("y")!;
        var relu = TinyModels.Node("Relu", ["y"], ["z"], "relu");
        graph.AddNode(relu);

        Assert.Same(relu, graph.ProducerOf("z"));
        Assert.Equal([relu], graph.ConsumersOf("y"));

        graph.RemoveNode(gemm);
        Assert.Null(graph.ProducerOf("y"));
        Assert.Empty(graph.ConsumersOf("W"));
        Assert.Empty(graph.ConsumersOf("x"));
    }

    [Fact]
    public void Setting_an_input_moves_the_node_from_the_old_value_to_the_new_one()
    {
        var editor = new ModelEditor(TinyModels.Dense(3, 2));
        var graph = editor.Main;
        var gemm = graph.ProducerOf("y")!;
        graph.AddInitializer(TinyModels.FloatTensor("W2", [3, 2], new float[6]));

        graph.SetInput(gemm, 1, "W2");

        Assert.Empty(graph.ConsumersOf("W"));
        Assert.Equal([gemm], graph.ConsumersOf("W2"));
        Assert.Same(graph.InitializerOf("W2"), graph.FindConstant("W2")!.Tensor);
    }

    [Fact]
    public void Renaming_an_output_to_a_value_a_removed_node_wrote_makes_the_renamed_node_its_producer()
    {
        var model = TinyModels.Dense(3, 2);
        model.Graph.Node.Add(TinyModels.Node("Relu", ["y"], ["z"], "relu"));
        var graph = new ModelEditor(model).Main;
        var gemm = graph.ProducerOf("y")!;
        var relu = graph.ProducerOf("z")!;

        graph.SetOutput(gemm, 0, "z");
        graph.RemoveNode(relu);

        Assert.Same(gemm, graph.ProducerOf("z"));
        Assert.Null(graph.ProducerOf("y"));
    }

    [Fact]
    public void Replace_all_uses_reaches_into_if_branches_and_the_if_becomes_a_consumer_of_the_replacement()
    {
        var model = EditingGraphs.IfReadingOuterValue();
        var graph = new ModelEditor(model).Main;
        var ifNode = graph.ProducerOf("y")!;
        Assert.Contains(ifNode, graph.ConsumersOf("a"));

        graph.InsertAfter(graph.ProducerOf("a")!, TinyModels.Node("Neg", ["x"], ["b"], "neg"));
        graph.ReplaceAllUses("a", "b");

        var thenBranch = ifNode.Attribute.Single(a => a.Name == "then_branch").G;
        var elseBranch = ifNode.Attribute.Single(a => a.Name == "else_branch").G;
        Assert.Equal("b", thenBranch.Node[0].Input[0]);
        Assert.Equal("b", elseBranch.Output[0].Name);
        Assert.Empty(graph.ConsumersOf("a"));
        Assert.Contains(ifNode, graph.ConsumersOf("b"));
    }

    [Fact]
    public void Replace_all_uses_refuses_a_replacement_that_a_reading_branch_defines_itself_and_ignores_other_branches()
    {
        var model = EditingGraphs.IfReadingOuterValue();
        var ifNode = model.Graph.Node[1];
        // The then-branch reads "a" and now also writes "b": moving its read of "a" to "b" would bind to its own "b".
        ifNode.Attribute[0].G.Node.Add(TinyModels.Node("Neg", ["then_out"], ["b"], "inner_b"));
        var graph = new ModelEditor(model).Main;

        Assert.Throws<InvalidOperationException>(() => graph.ReplaceAllUses("a", "b"));

        // "x" is read by no branch, so a branch defining the replacement does not matter.
        graph.ReplaceAllUses("x", "b");
        Assert.Equal("b", graph.ProducerOf("a")!.Input[0]);
    }

    [Fact]
    public void Replace_all_uses_keeps_the_name_of_a_graph_output()
    {
        var graph = new ModelEditor(TinyModels.Dense(3, 2)).Main;
        graph.AddNode(TinyModels.Node("Identity", ["y"], ["copy"], "identity"));

        graph.ReplaceAllUses("y", "x");

        Assert.Equal("y", graph.Graph.Output[0].Name);
        Assert.Equal("x", graph.ProducerOf("copy")!.Input[0]);
    }

    [Fact]
    public void An_edit_inside_a_loop_body_makes_the_loop_a_consumer_of_the_outer_value_it_now_reads()
    {
        var editor = new ModelEditor(EditingGraphs.LoopWithClosedBody());
        var main = editor.Main;
        var loop = main.ProducerOf("y")!;
        var body = Assert.Single(main.SubgraphsOf(loop));
        Assert.Empty(main.ConsumersOf("w"));

        body.AddNode(TinyModels.Node("Add", ["v_in", "w"], ["v_sum"], "body_add"));

        Assert.Equal([loop], main.ConsumersOf("w"));
        Assert.False(main.RemoveIfUnused("w"));
        Assert.NotNull(main.InitializerOf("w"));
        Assert.Same(body, editor.AllGraphs.ElementAt(1));
    }

    [Fact]
    public void Remove_if_unused_drops_an_unread_initializer_and_its_graph_input()
    {
        var graph = new ModelEditor(EditingGraphs.IfReadingOuterValue()).Main;

        Assert.True(graph.RemoveIfUnused("W"));

        Assert.Null(graph.InitializerOf("W"));
        Assert.DoesNotContain(graph.Graph.Initializer, t => t.Name == "W");
        Assert.DoesNotContain(graph.Graph.Input, i => i.Name == "W");
    }

    [Fact]
    public void Remove_if_unused_keeps_a_value_only_a_subgraph_reads_and_a_graph_output()
    {
        var model = EditingGraphs.IfReadingOuterValue();
        // "a" is read only inside the If once the Relu writes it from a constant and nothing else reads it.
        model.Graph.Node.Insert(0, ConstantStorage.ConstantNode(TinyModels.FloatTensor("k", [2], [5, 6]), "k_constant"));
        model.Graph.Node.Add(TinyModels.Node("Identity", ["k"], ["y2"], "k_copy"));
        model.Graph.Output.Add(TinyModels.Float("k_out", 2));
        model.Graph.Node.Add(ConstantStorage.ConstantNode(TinyModels.FloatTensor("k_out", [2], [7, 8]), "k_out_constant"));
        var graph = new ModelEditor(model).Main;

        Assert.False(graph.RemoveIfUnused("a"));
        Assert.False(graph.RemoveIfUnused("k_out"));
        Assert.False(graph.RemoveIfUnused("k"));
        Assert.NotNull(graph.ProducerOf("k_out"));

        graph.RemoveNode(graph.ProducerOf("y2")!);
        Assert.True(graph.RemoveIfUnused("k"));
        Assert.Null(graph.ProducerOf("k"));
        Assert.DoesNotContain(graph.Graph.Node, n => n.Name == "k_constant");
    }

    [Fact]
    public void Set_nodes_tracks_the_nodes_it_adds_and_forgets_those_it_drops()
    {
        var graph = new ModelEditor(TinyModels.Dense(3, 2)).Main;
        var gemm = graph.ProducerOf("y")!;
        var matMul = TinyModels.Node("MatMul", ["x", "W"], ["xw"], "matmul");
        var add = TinyModels.Node("Add", ["xw", "b"], ["y"], "add");

        graph.SetNodes([matMul, add]);

        Assert.Equal(["matmul", "add"], graph.Graph.Node.Select(n => n.Name));
        Assert.Same(add, graph.ProducerOf("y"));
        Assert.Equal([matMul], graph.ConsumersOf("W"));
        Assert.DoesNotContain(gemm, graph.ConsumersOf("x"));
    }

    [Fact]
    public void Sorting_puts_producers_before_readers_and_keeps_the_order_of_independent_nodes()
    {
        var graph = new ModelEditor(TinyModels.Dense(3, 2)).Main;
        graph.AddNode(TinyModels.Node("Relu", ["late"], ["z"], "reads_late"));
        graph.AddNode(TinyModels.Node("Neg", ["x"], ["late"], "writes_late"));

        graph.SortTopologically();

        Assert.Equal(["y", "writes_late", "reads_late"], graph.Graph.Node.Select(n => n.Name));
    }

    [Fact]
    public void Add_constant_writes_a_constant_node_before_ir_4_and_an_initializer_after()
    {
        var modern = new ModelEditor(TinyModels.Dense(3, 2));
        modern.Main.AddConstant(TinyModels.FloatTensor("c", [1], [1]), "c_node");
        Assert.NotNull(modern.Main.InitializerOf("c"));

        var oldModel = TinyModels.Dense(3, 2);
        oldModel.IrVersion = 3;
        var old = new ModelEditor(oldModel);
        old.Main.AddConstant(TinyModels.FloatTensor("c", [1], [1]), "c_node");
        Assert.Null(old.Main.InitializerOf("c"));
        Assert.Equal("c_node", old.Main.Graph.Node[0].Name);
        Assert.Same(old.Main.Graph.Node[0], old.Main.FindConstant("c")!.ConstantNode);
    }
}

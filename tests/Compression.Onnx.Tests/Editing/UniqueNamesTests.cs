using Compression.Onnx.Editing;
using Compression.Testing;

namespace Compression.Onnx.Tests.Editing;

public class UniqueNamesTests
{
    [Fact]
    public void A_name_used_only_inside_a_subgraph_is_not_handed_out()
    {
        var names = new UniqueNames(EditingGraphs.IfReadingOuterValue());

        Assert.Equal("then_out_1", names.Next("then_out"));
        Assert.Equal("fresh", names.Next("fresh"));
        Assert.Equal("fresh_1", names.Next("fresh"));
    }

    [Fact]
    public void Names_of_nodes_added_through_the_editor_are_not_handed_out_again()
    {
        var editor = new ModelEditor(TinyModels.Dense(3, 2));
        editor.Main.AddNode(TinyModels.Node("Relu", ["y"], ["picked_by_hand"], "relu_by_hand"));
        editor.Main.AddInitializer(TinyModels.FloatTensor("tensor_by_hand", [1], [0]));

        Assert.Equal("picked_by_hand_1", editor.Names.Next("picked_by_hand"));
        Assert.Equal("relu_by_hand_1", editor.Names.Next("relu_by_hand"));
        Assert.Equal("tensor_by_hand_1", editor.Names.Next("tensor_by_hand"));
    }

    [Fact]
    public void Names_inside_the_subgraph_of_an_added_node_are_taken_too()
    {
        var editor = new ModelEditor(TinyModels.Dense(3, 2));
        var loop = EditingGraphs.LoopWithClosedBody().Graph.Node[0];
        loop.Input[2] = "y";
        loop.Output[0] = "looped";
        editor.Main.AddNode(loop);

        Assert.Equal("body_identity_1", editor.Names.Next("body_identity"));
        Assert.Single(editor.Main.SubgraphsOf(loop));
    }
}

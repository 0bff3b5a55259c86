using Compression.Onnx.Editing;
using Compression.Onnx.Graph;
using Compression.Testing;

namespace Compression.Onnx.Tests.Editing;

public class ConstantWeightsTests
{
    [Fact]
    public void A_subgraph_finds_an_outer_initializer_and_the_editor_names_the_graph_that_defines_it()
    {
        var editor = new ModelEditor(EditingGraphs.LoopWithClosedBody());
        var body = editor.AllGraphs.ElementAt(1);

        var weight = body.FindConstant("w")!;

        Assert.Same(editor.Main, body.DefiningGraphOf(weight));
        Assert.Null(body.FindConstant("v_in"));
    }

    [Fact]
    public void A_graph_input_shadows_an_outer_constant_of_the_same_name()
    {
        var model = EditingGraphs.LoopWithClosedBody();
        model.Graph.Initializer.Add(TinyModels.FloatTensor("v_in", [2], [0, 0]));
        var index = new ModelIndex(model);
        var body = index.Main.SubgraphsOf(index.Main.Graph.Node[0])[0].Index;

        Assert.Null(ConstantWeights.Find(body, "v_in"));
        Assert.NotNull(ConstantWeights.Find(index.Main, "v_in"));
    }
}

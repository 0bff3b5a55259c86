using Compression.Engine.Preprocessing.DeadCode;
using Compression.Onnx.Protobuf;
using Compression.Testing;

namespace Compression.Engine.Tests.Preprocessing;

/// <summary>Dead code removal drops what no output needs and keeps the model's interface.</summary>
public class DeadCodeTests
{
    [Fact]
    public void Unread_nodes_and_initializers_go_while_inputs_and_overridable_initializers_stay()
    {
        var graph = new GraphProto
        {
            Name = "dead",
            Input = { TinyModels.Float("x", 2), TinyModels.Float("unused", 2), TinyModels.Float("default", 2) },
            Output = { TinyModels.Float("y", 2) },
            Initializer = { TinyModels.FloatTensor("w", [2], [1, 2]), TinyModels.FloatTensor("default", [2], [3, 4]) },
            ValueInfo = { TinyModels.Float("d1", 2), TinyModels.Float("d2", 2) },
            Node =
            {
                TinyModels.Node("Relu", ["x"], ["y"]),
                TinyModels.Node("Mul", ["x", "w"], ["d1"]),
                TinyModels.Node("Neg", ["d1"], ["d2"]),
            },
        };
        var model = TinyModels.Model(graph);
        var report = new DeadCodePass().Apply(model);
        Assert.Equal(["Relu"], model.Graph.Node.Select(n => n.OpType));
        Assert.Equal(["default"], model.Graph.Initializer.Select(t => t.Name));
        Assert.Equal(["x", "unused", "default"], model.Graph.Input.Select(i => i.Name));
        Assert.Empty(model.Graph.ValueInfo);
        Assert.Equal(1, report.TensorsChanged);
        Assert.Contains("2 unread nodes removed", report.Notes[0], StringComparison.Ordinal);
    }

    [Fact]
    public void A_value_read_only_inside_a_subgraph_keeps_its_producer()
    {
        var branch = new GraphProto
        {
            Name = "branch",
            Output = { TinyModels.Float("b", 2) },
            Node = { TinyModels.Node("Identity", ["outer"], ["b"]) },
        };
        var graph = new GraphProto
        {
            Name = "outer-read",
            Input = { TinyModels.Float("x", 2) },
            Output = { TinyModels.Float("y", 2) },
            Initializer = { Onnx.Tensors.TensorData.Create<bool>("cond", [], [true]) },
            Node = { TinyModels.Node("Neg", ["x"], ["outer"]), TinyGraphs.If("cond", "y", branch) },
        };
        var model = TinyModels.Model(graph);
        var before = model.Clone();
        new DeadCodePass().Apply(model);
        Assert.Equal(before, model);
    }
}

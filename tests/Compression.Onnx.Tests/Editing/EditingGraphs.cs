using Compression.Onnx.Protobuf;
using Compression.Testing;

namespace Compression.Onnx.Tests.Editing;

/// <summary>Small graphs with subgraphs that read outer values, built for the editor's tests.</summary>
internal static class EditingGraphs
{
    /// <summary>
    /// x → Relu → a; If(cond) whose then-branch reads a through Identity and whose else-branch outputs a itself;
    /// W an initializer (also a graph input, as before IR 4) that nothing reads.
    /// </summary>
    public static ModelProto IfReadingOuterValue()
    {
        var thenBranch = new GraphProto
        {
            Name = "then",
            Output = { TinyModels.Float("then_out", 2) },
            Node = { TinyModels.Node("Identity", ["a"], ["then_out"]) },
        };
        var elseBranch = new GraphProto { Name = "else", Output = { TinyModels.Float("a", 2) } };
        var ifNode = TinyModels.Node("If", ["cond"], ["y"], "if");
        ifNode.Attribute.Add(new AttributeProto { Name = "then_branch", Type = AttributeProto.Types.AttributeType.Graph, G = thenBranch });
        ifNode.Attribute.Add(new AttributeProto { Name = "else_branch", Type = AttributeProto.Types.AttributeType.Graph, G = elseBranch });
        return TinyModels.Model(new GraphProto
        {
            Name = "main",
            Input = { TinyModels.Float("x", 2), TinyModels.Float("cond"), TinyModels.Float("W", 2) },
            Output = { TinyModels.Float("y", 2) },
            Initializer = { TinyModels.FloatTensor("W", [2], [1, 2]) },
            Node = { TinyModels.Node("Relu", ["x"], ["a"], "relu"), ifNode },
        });
    }

    /// <summary>A Loop whose body reads nothing from outside yet: x → Loop(body: Identity(v_in) → v_out) → y.</summary>
    public static ModelProto LoopWithClosedBody()
    {
        var body = new GraphProto
        {
            Name = "body",
            Input = { TinyModels.Float("i"), TinyModels.Float("cond_in"), TinyModels.Float("v_in", 2) },
            Output = { TinyModels.Float("cond_in"), TinyModels.Float("v_out", 2) },
            Node = { TinyModels.Node("Identity", ["v_in"], ["v_out"], "body_identity") },
        };
        var loop = TinyModels.Node("Loop", ["", "", "x"], ["y"], "loop");
        loop.Attribute.Add(new AttributeProto { Name = "body", Type = AttributeProto.Types.AttributeType.Graph, G = body });
        return TinyModels.Model(new GraphProto
        {
            Name = "main",
            Input = { TinyModels.Float("x", 2) },
            Output = { TinyModels.Float("y", 2) },
            Initializer = { TinyModels.FloatTensor("w", [2], [3, 4]) },
            Node = { loop },
        });
    }
}

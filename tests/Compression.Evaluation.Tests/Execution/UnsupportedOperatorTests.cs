using Compression.Evaluation.Execution;
using Compression.Onnx.Model;
using Compression.Onnx.Protobuf;
using Compression.Testing;

namespace Compression.Evaluation.Tests.Execution;

/// <summary>Operators the executor cannot run are all found when the executor is built, before any work.</summary>
public class UnsupportedOperatorTests
{
    [Fact]
    public void Every_unsupported_node_is_listed_with_its_name_operator_and_opset()
    {
        var graph = new GraphProto
        {
            Input = { TinyModels.Float("x", 2, 2) },
            Output = { TinyModels.Float("z", 2, 2) },
            Node =
            {
                TinyModels.Node("Relu", ["x"], ["a"], "relu"),
                TinyModels.Node("Det", ["a"], ["b"], "determinant"),
                new NodeProto { OpType = "FusedMatMul", Domain = "com.microsoft", Name = "fused", Input = { "b" }, Output = { "c" } },
                TinyModels.Node("Det", ["c"], ["z"], "again"),
            },
        };
        var proto = TinyModels.Model(graph);
        proto.OpsetImport.Add(new OperatorSetIdProto { Domain = "com.microsoft", Version = 1 });

        var e = Assert.Throws<UnsupportedOperatorException>(() => new ModelExecutor(OnnxModel.FromProto(proto)));
        Assert.Equal(EvaluationErrorCodes.OperatorUnsupported, e.Code);
        Assert.Equal(["determinant", "fused", "again"], e.Nodes.Select(n => n.NodeName));
        Assert.Contains("Det at opset 13", e.Message);
        Assert.Contains("com.microsoft:FusedMatMul", e.Message);
        Assert.Contains("2 node(s)", e.Message);
    }

    [Fact]
    public void An_opset_past_the_operator_table_is_reported_not_guessed()
    {
        var e = Assert.Throws<UnsupportedOperatorException>(() => new ModelExecutor(OnnxModel.FromProto(
            TinyModels.Model(new GraphProto { Input = { TinyModels.Float("x", 1) }, Output = { TinyModels.Float("y", 1) }, Node = { TinyModels.Node("Relu", ["x"], ["y"]) } }, opset: 99))));
        Assert.Contains("opsets past 21", e.Message);
    }
}

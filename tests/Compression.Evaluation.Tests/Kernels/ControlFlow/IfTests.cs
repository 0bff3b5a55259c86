using Compression.Evaluation.Execution;
using Compression.Evaluation.Inference;
using Compression.Evaluation.Tensors;
using Compression.Onnx.Protobuf;
using static Compression.Evaluation.Tests.Kernels.ControlFlow.ControlFlowTestModels;
using DataType = Compression.Onnx.Protobuf.TensorProto.Types.DataType;

namespace Compression.Evaluation.Tests.Kernels.ControlFlow;

public class IfTests
{
    /// <summary>then: x + a; else: x + b, where a and b are outer values read by the branches.</summary>
    private static Compression.Onnx.Model.OnnxModel AddBranchModel(long opset = 13, ValueInfoProto? thenOut = null, ValueInfoProto? elseOut = null)
    {
        var thenBranch = new GraphProto
        {
            Name = "then",
            Node = { Node("Add", ["x", "a"], ["t"]) },
            Output = { thenOut ?? Float("t", 2) },
        };
        var elseBranch = new GraphProto
        {
            Name = "else",
            Node = { Node("Add", ["x", "b"], ["e"]) },
            Output = { elseOut ?? Float("e", 2) },
        };
        return Model(new GraphProto
        {
            Name = "if",
            Input = { Value("c", DataType.Bool), Float("x", 2), Float("a", 2), Float("b", 2) },
            Output = { Float("y", 2) },
            Node = { Node("If", ["c"], ["y"], GraphAttribute("then_branch", thenBranch), GraphAttribute("else_branch", elseBranch)) },
        }, opset);
    }

    private static Dictionary<string, Tensor> Inputs(bool condition) => new()
    {
        ["c"] = Tensor.Scalar(condition),
        ["x"] = Floats([2], 1, 2),
        ["a"] = Floats([2], 10, 20),
        ["b"] = Floats([2], 100, 200),
    };

    [Theory]
    [InlineData(9)] // resolves to If 1 (Add needs opset 7 or later)
    [InlineData(11)]
    [InlineData(13)]
    [InlineData(16)]
    public void Runs_the_branch_the_condition_selects_at_every_version(long opset)
    {
        var model = AddBranchModel(opset);
        Assert.Equal([11f, 22f], Run(model, Inputs(true))["y"].ToArray<float>());
        Assert.Equal([101f, 202f], Run(model, Inputs(false))["y"].ToArray<float>());
    }

    [Fact]
    public void A_condition_of_shape_one_is_accepted_and_a_non_bool_condition_fails()
    {
        var model = AddBranchModel();
        var inputs = Inputs(true);
        inputs["c"] = Tensor.Create([1], new[] { false });
        Assert.Equal([101f, 202f], Run(model, inputs)["y"].ToArray<float>());

        var model2 = AddBranchModel();
        model2.Graph.Input[0] = Value("c", DataType.Float);
        inputs["c"] = Tensor.Scalar(1f);
        var error = Assert.Throws<KernelException>(() => Run(model2, inputs));
        Assert.Contains("single bool", error.Message);
    }

    [Fact]
    public void Infer_keeps_the_dimensions_both_branches_agree_on()
    {
        var model = AddBranchModel(11, Float("t", 2, 3), Float("e", 2, 5));
        var info = Infer(model)["y"];
        Assert.Equal(DataType.Float, info.ElementType);
        Assert.Equal("2,?", Dims(info));
    }

    [Fact]
    public void Infer_with_branches_of_different_rank_knows_only_the_type()
    {
        var model = AddBranchModel(11, Float("t", 2), Float("e", 2, 1));
        model.Graph.Output[0] = Unshaped("y", DataType.Float); // a declared shape would fill in what inference leaves open
        var info = Infer(model)["y"];
        Assert.Equal(DataType.Float, info.ElementType);
        Assert.Null(info.Shape);
    }

    [Fact]
    public void Infer_with_a_constant_condition_takes_that_branchs_shape()
    {
        var model = AddBranchModel(11, Float("t", 2, 3), Float("e", 2, 5));
        var overrides = new Dictionary<string, ValueInfo> { ["c"] = ValueInfo.Of(Tensor.Scalar(false)) };
        Assert.Equal("2,5", Dims(Infer(model, overrides)["y"]));
    }

    [Fact]
    public void A_branch_that_passes_an_outer_value_through_leaves_it_intact_for_later_readers()
    {
        // then returns the outer value s = x + a itself; a later node reads s again.
        var thenBranch = new GraphProto { Name = "then", Output = { Float("s", 2) } };
        var elseBranch = new GraphProto { Name = "else", Node = { Node("Add", ["s", "s"], ["e"]) }, Output = { Float("e", 2) } };
        var model = Model(new GraphProto
        {
            Name = "if",
            Input = { Value("c", DataType.Bool), Float("x", 2), Float("a", 2), Float("b", 2) },
            Output = { Float("y", 2), Float("z", 2) },
            Node =
            {
                Node("Add", ["x", "a"], ["s"]),
                Node("If", ["c"], ["y"], GraphAttribute("then_branch", thenBranch), GraphAttribute("else_branch", elseBranch)),
                Node("Add", ["y", "s"], ["z"]),
            },
        }, 13);
        var outputs = Run(model, Inputs(true));
        Assert.Equal([11f, 22f], outputs["y"].ToArray<float>());
        Assert.Equal([22f, 44f], outputs["z"].ToArray<float>());
    }
}

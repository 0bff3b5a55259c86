using Compression.Onnx.Checking;
using Compression.Onnx.Protobuf;

namespace Compression.Onnx.Tests.Checking;

public class ModelCheckerGraphRulesTests
{
    [Fact]
    public void A_node_that_uses_a_value_before_its_producer_breaks_topological_order()
    {
        var model = TestModels.Valid();
        var add = model.Graph.Node[1];
        model.Graph.Node.RemoveAt(1);
        model.Graph.Node.Insert(0, add);
        var issue = Assert.Single(ModelChecker.Check(model).Issues);
        Assert.Equal(CheckRules.UndefinedInput, issue.Rule);
        Assert.Equal(0, issue.NodeIndex);
        Assert.Contains("topological", issue.Message);
        Assert.Contains("'r'", issue.Message);
    }

    [Fact]
    public void A_node_input_that_nothing_defines_is_reported()
    {
        var model = TestModels.Valid();
        model.Graph.Node[1].Input[1] = "nowhere";
        var issue = Assert.Single(ModelChecker.Check(model).Issues);
        Assert.Equal(CheckRules.UndefinedInput, issue.Rule);
        Assert.Contains("'nowhere'", issue.Message);
    }

    [Fact]
    public void An_empty_input_name_is_an_omitted_optional_input()
    {
        var model = TestModels.Valid();
        model.Graph.Node[0].Input.Add("");
        Assert.True(ModelChecker.Check(model).IsValid);
    }

    [Fact]
    public void An_empty_output_name_is_an_unwanted_optional_output_and_may_repeat()
    {
        var model = TestModels.Valid();
        model.Graph.Node[0].Output.Add("");
        model.Graph.Node[1].Output.Add("");
        Assert.True(ModelChecker.Check(model).IsValid);
    }

    [Theory]
    [InlineData("r")] // another node's output
    [InlineData("x")] // a graph input
    [InlineData("w")] // an initializer
    public void A_value_defined_twice_breaks_ssa(string name)
    {
        var model = TestModels.Valid();
        model.Graph.Node.Add(TestModels.Node("Relu", ["y"], [name]));
        var issue = Assert.Single(ModelChecker.Check(model).Issues);
        Assert.Equal(CheckRules.Ssa, issue.Rule);
        Assert.Equal(2, issue.NodeIndex);
    }

    [Fact]
    public void A_graph_input_declared_twice_breaks_ssa()
    {
        var model = TestModels.Valid();
        model.Graph.Input.Add(TestModels.Value("x"));
        Assert.True(ModelChecker.Check(model).Has(CheckRules.Ssa));
    }

    [Fact]
    public void Initializers_need_a_unique_nonempty_name()
    {
        var model = TestModels.Valid();
        model.Graph.Initializer.Add(TestModels.FloatTensor("w", 3f, 4f));
        model.Graph.Initializer.Add(TestModels.FloatTensor("", 3f));
        var issues = ModelChecker.Check(model).Issues.Where(i => i.Rule == CheckRules.InitializerName).ToList();
        Assert.Equal(2, issues.Count);
    }

    [Fact]
    public void From_ir_4_an_initializer_may_share_its_name_with_an_input()
    {
        var model = TestModels.Valid();
        model.Graph.Input.Add(TestModels.Value("w"));
        Assert.True(ModelChecker.Check(model).IsValid);
    }

    [Fact]
    public void Up_to_ir_3_every_initializer_must_be_a_graph_input()
    {
        var model = TestModels.Valid();
        model.IrVersion = 3;
        Assert.True(ModelChecker.Check(model).Has(CheckRules.InitializerInput));
        model.Graph.Input.Add(TestModels.Value("w"));
        Assert.True(ModelChecker.Check(model).IsValid);
    }

    [Fact]
    public void An_ir_3_initializer_missing_from_the_inputs_is_a_repairable_deviation_and_still_defines_its_name()
    {
        var model = TestModels.Valid();
        model.IrVersion = 3;

        var result = ModelChecker.Check(model);

        var issue = Assert.Single(result.Issues);
        Assert.Equal(CheckRules.InitializerInput, issue.Rule);
        Assert.True(issue.IsRepairable);
        Assert.False(result.IsValid);
        Assert.True(result.IsUsable);
        Assert.Empty(result.Errors);
        Assert.Equal(issue, Assert.Single(ModelChecker.ThrowIfInvalid(model, "m.onnx").Repairable));
    }

    [Fact]
    public void An_error_beside_a_repairable_deviation_still_refuses_the_model_with_mcb1301_naming_only_the_error()
    {
        var model = TestModels.Valid();
        model.IrVersion = 3;
        model.Graph.Node[0].Input.Add("nowhere");

        var e = Assert.Throws<Onnx.Diagnostics.CompressionException>(() => ModelChecker.ThrowIfInvalid(model, "m.onnx"));

        Assert.Equal(Onnx.Diagnostics.ErrorCodes.ModelCheckFailed, e.Code);
        Assert.Contains("1 problem(s)", e.Message, StringComparison.Ordinal);
        Assert.Contains("nowhere", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_graph_output_that_nothing_defines_is_reported()
    {
        var model = TestModels.Valid();
        model.Graph.Output.Add(TestModels.Value("ghost"));
        var issue = Assert.Single(ModelChecker.Check(model).Issues);
        Assert.Equal(CheckRules.GraphOutput, issue.Rule);
        Assert.Contains("'ghost'", issue.Message);
    }

    [Fact]
    public void A_graph_output_may_be_an_input_or_an_initializer()
    {
        var model = TestModels.Valid();
        model.Graph.Output.Add(TestModels.Value("x"));
        model.Graph.Output.Add(TestModels.Value("w"));
        Assert.True(ModelChecker.Check(model).IsValid);
    }

    [Fact]
    public void Graphs_need_a_name()
    {
        var model = TestModels.Valid();
        model.Graph.Name = "";
        Assert.True(ModelChecker.Check(model).Has(CheckRules.GraphName));
    }

    [Fact]
    public void A_node_needs_an_op_type_and_some_input_or_output()
    {
        var model = TestModels.Valid();
        model.Graph.Node[0].OpType = "";
        model.Graph.Node.Add(TestModels.Node("Relu", [], []));
        Assert.Equal(2, ModelChecker.Check(model).Issues.Count(i => i.Rule == CheckRules.Node));
    }

    [Fact]
    public void Main_graph_inputs_and_outputs_need_a_complete_type()
    {
        var model = TestModels.Valid();
        model.Graph.Input[0].Type.TensorType.Shape = null;
        model.Graph.Output[0].Type = null;
        var issues = ModelChecker.Check(model).Issues.Where(i => i.Rule == CheckRules.ValueType).ToList();
        Assert.Equal(2, issues.Count);
        Assert.Contains(issues, i => i.Message.Contains("'x'") && i.Message.Contains("shape"));
    }

    [Fact]
    public void A_scalar_input_has_an_empty_shape_which_is_a_shape()
    {
        var model = TestModels.Valid();
        model.Graph.Input[0].Type.TensorType.Shape = new TensorShapeProto();
        Assert.True(ModelChecker.Check(model).IsValid);
    }

    [Fact]
    public void Graph_inputs_need_a_name()
    {
        var model = TestModels.Valid();
        model.Graph.Input.Add(new ValueInfoProto());
        Assert.True(ModelChecker.Check(model).Has(CheckRules.ValueName));
    }

    [Fact]
    public void Issues_name_the_graph_they_are_in()
    {
        var model = TestModels.Valid();
        model.Graph.Node[1].Input[1] = "nowhere";
        Assert.Equal("graph 'main'", Assert.Single(ModelChecker.Check(model).Issues).Location);
    }
}

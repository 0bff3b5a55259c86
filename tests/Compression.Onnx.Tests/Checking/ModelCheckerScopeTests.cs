using Compression.Onnx.Checking;
using Compression.Onnx.Protobuf;

namespace Compression.Onnx.Tests.Checking;

/// <summary>Lexical scoping into subgraphs: TestModels.WithIf puts an If between the Relu (r) and the Add (y).</summary>
public class ModelCheckerScopeTests
{
    [Theory]
    [InlineData("x")] // a main-graph input
    [InlineData("w")] // a main-graph initializer
    [InlineData("r")] // the output of a node before the If
    public void A_subgraph_may_use_outer_values_defined_before_its_node(string source)
    {
        var result = ModelChecker.Check(TestModels.WithIf(source));
        Assert.True(result.IsValid, result.ToString());
    }

    [Fact]
    public void A_subgraph_may_not_use_an_outer_value_defined_after_its_node()
    {
        var issue = Assert.Single(ModelChecker.Check(TestModels.WithIf("y")).Issues);
        Assert.Equal(CheckRules.UndefinedInput, issue.Rule);
        Assert.Contains("attribute 'then_branch' (graph 'then')", issue.Location);
        Assert.Equal(0, issue.NodeIndex);
    }

    [Fact]
    public void A_subgraph_may_not_use_its_own_node_output()
    {
        Assert.True(ModelChecker.Check(TestModels.WithIf("z")).Has(CheckRules.UndefinedInput));
    }

    [Fact]
    public void The_outer_graph_does_not_see_names_defined_inside_a_subgraph()
    {
        var model = TestModels.WithIf("x");
        model.Graph.Node.Add(TestModels.Node("Relu", ["t_out"], ["leak"]));
        var issue = Assert.Single(ModelChecker.Check(model).Issues);
        Assert.Equal(CheckRules.UndefinedInput, issue.Rule);
        Assert.Equal("graph 'main'", issue.Location);
    }

    [Fact]
    public void Sibling_subgraphs_do_not_see_each_other()
    {
        var model = TestModels.WithIf("x");
        model.Graph.Node[1].Attribute[1].G.Node[0].Input[0] = "t_out";
        Assert.True(ModelChecker.Check(model).Has(CheckRules.UndefinedInput));
    }

    [Theory]
    [InlineData("r")] // outer node output
    [InlineData("x")] // outer input
    public void A_subgraph_node_may_not_redefine_an_outer_value(string name)
    {
        var issue = Assert.Single(ModelChecker.Check(TestModels.WithIf("x", thenOutput: name)).Issues);
        Assert.Equal(CheckRules.Ssa, issue.Rule);
        Assert.Contains("enclosing", issue.Message);
    }

    [Fact]
    public void Two_subgraphs_may_use_the_same_inner_name()
    {
        var model = TestModels.WithIf("x", thenOutput: "e_out");
        Assert.True(ModelChecker.Check(model).IsValid);
    }

    [Fact]
    public void A_subgraph_input_may_hide_an_outer_name_as_onnx_allows()
    {
        var model = TestModels.WithIf("x");
        var then = model.Graph.Node[1].Attribute[0].G;
        then.Input.Add(new ValueInfoProto { Name = "r" });
        then.Node[0].Input[0] = "r";
        Assert.True(ModelChecker.Check(model).IsValid);
    }

    [Fact]
    public void Subgraph_inputs_and_outputs_need_no_type()
    {
        var model = TestModels.WithIf("x");
        model.Graph.Node[1].Attribute[0].G.Input.Add(new ValueInfoProto { Name = "untyped" });
        Assert.True(ModelChecker.Check(model).IsValid);
    }

    [Fact]
    public void A_subgraph_output_that_nothing_defines_is_reported()
    {
        var model = TestModels.WithIf("x");
        model.Graph.Node[1].Attribute[0].G.Output[0].Name = "ghost";
        Assert.True(ModelChecker.Check(model).Has(CheckRules.GraphOutput));
    }

    [Fact]
    public void A_subgraph_output_may_be_a_visible_outer_value()
    {
        // Later ONNX checkers want subgraph outputs produced inside; the value is defined and visible, and runtimes
        // return it, so it is not a structural error for us.
        var model = TestModels.WithIf("x");
        model.Graph.Node[1].Attribute[0].G.Output[0].Name = "r";
        Assert.True(ModelChecker.Check(model).IsValid);
    }

    [Fact]
    public void Graphs_attributes_are_checked_too_and_scoped_like_g()
    {
        var model = TestModels.Valid();
        var node = TestModels.Node("Custom", ["x"], ["c"], domain: "com.example");
        var attr = new AttributeProto { Name = "bodies", Type = AttributeProto.Types.AttributeType.Graphs };
        attr.Graphs.Add(TestModels.Branch("ok", "x", "a"));
        attr.Graphs.Add(TestModels.Branch("bad", "y", "b"));
        node.Attribute.Add(attr);
        model.Graph.Node.Insert(1, node);
        model.OpsetImport.Add(new OperatorSetIdProto { Domain = "com.example", Version = 1 });
        var issue = Assert.Single(ModelChecker.Check(model).Issues);
        Assert.Equal(CheckRules.UndefinedInput, issue.Rule);
        Assert.Contains("'bodies'[1]", issue.Location);
    }

    [Fact]
    public void Nested_subgraphs_see_every_enclosing_scope()
    {
        var model = TestModels.WithIf("x");
        var then = model.Graph.Node[1].Attribute[0].G;
        var inner = TestModels.Node("If", ["x"], ["inner_z"]);
        inner.Attribute.Add(TestModels.GraphAttribute("then_branch", TestModels.Branch("then2", "t_out", "i1")));
        inner.Attribute.Add(TestModels.GraphAttribute("else_branch", TestModels.Branch("else2", "r", "i2")));
        then.Node.Add(inner);
        var result = ModelChecker.Check(model);
        Assert.True(result.IsValid, result.ToString());
    }
}

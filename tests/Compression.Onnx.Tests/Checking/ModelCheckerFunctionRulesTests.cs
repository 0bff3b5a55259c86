using Compression.Onnx.Checking;
using Compression.Onnx.Protobuf;
using AttributeType = Compression.Onnx.Protobuf.AttributeProto.Types.AttributeType;

namespace Compression.Onnx.Tests.Checking;

public class ModelCheckerFunctionRulesTests
{
    /// <summary>Valid() plus a local function com.example.Scaled(a) = Mul(a, a) with an attribute reference, and a call.</summary>
    private static ModelProto WithFunction(Action<FunctionProto>? change = null)
    {
        var model = TestModels.Valid();
        var function = new FunctionProto { Name = "Scaled", Domain = "com.example" };
        function.Input.Add("a");
        function.Output.Add("b");
        function.Attribute.Add("alpha");
        function.OpsetImport.Add(new OperatorSetIdProto { Domain = "", Version = 17 });
        var mul = TestModels.Node("LeakyRelu", ["a"], ["b"]);
        mul.Attribute.Add(new AttributeProto { Name = "alpha", Type = AttributeType.Float, RefAttrName = "alpha" });
        function.Node.Add(mul);
        change?.Invoke(function);
        model.Functions.Add(function);
        model.OpsetImport.Add(new OperatorSetIdProto { Domain = "com.example", Version = 1 });
        model.Graph.Node.Add(TestModels.Node("Scaled", ["y"], ["f_out"], domain: "com.example"));
        return model;
    }

    [Fact]
    public void A_well_formed_function_with_an_attribute_reference_passes()
    {
        var result = ModelChecker.Check(WithFunction());
        Assert.True(result.IsValid, result.ToString());
    }

    [Fact]
    public void A_function_body_does_not_see_main_graph_values()
    {
        var result = ModelChecker.Check(WithFunction(f => f.Node[0].Input[0] = "x"));
        var issue = Assert.Single(result.Issues);
        Assert.Equal(CheckRules.UndefinedInput, issue.Rule);
        Assert.Equal("function 'com.example.Scaled'", issue.Location);
    }

    [Fact]
    public void A_function_node_resolves_domains_through_the_function_imports()
    {
        var result = ModelChecker.Check(WithFunction(f => f.OpsetImport.Clear()));
        Assert.True(result.Has(CheckRules.OpsetDomain));
    }

    [Fact]
    public void A_reference_with_a_value_of_its_own_is_reported()
    {
        var result = ModelChecker.Check(WithFunction(f => f.Node[0].Attribute[0].F = 0.1f));
        Assert.True(result.Has(CheckRules.AttributeReference));
    }

    [Fact]
    public void Repeated_inputs_outputs_and_attributes_are_reported()
    {
        var result = ModelChecker.Check(WithFunction(f =>
        {
            f.Input.Add("a");
            f.Attribute.Add("alpha");
        }));
        Assert.Equal(2, result.Issues.Count(i => i.Rule == CheckRules.Function));
    }

    [Fact]
    public void A_function_output_nothing_defines_is_reported() =>
        Assert.True(ModelChecker.Check(WithFunction(f => f.Output.Add("ghost"))).Has(CheckRules.GraphOutput));

    [Fact]
    public void Functions_are_not_part_of_models_before_ir_8()
    {
        var model = WithFunction(f => f.Node[0].Input[0] = "nowhere");
        model.IrVersion = 7;
        Assert.True(ModelChecker.Check(model).IsValid);
    }
}

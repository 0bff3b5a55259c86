using Compression.Onnx.Checking;
using Compression.Onnx.Protobuf;
using AttributeType = Compression.Onnx.Protobuf.AttributeProto.Types.AttributeType;

namespace Compression.Onnx.Tests.Checking;

public class ModelCheckerAttributeRulesTests
{
    private static CheckResult CheckWith(params AttributeProto[] attributes)
    {
        var model = TestModels.Valid();
        model.Graph.Node[0].Attribute.AddRange(attributes);
        return ModelChecker.Check(model);
    }

    [Fact]
    public void Well_formed_attributes_of_every_kind_pass()
    {
        var floats = new AttributeProto { Name = "fs", Type = AttributeType.Floats };
        floats.Floats.Add(1f);
        var result = CheckWith(
            TestModels.IntAttribute("i", 1),
            new AttributeProto { Name = "f", Type = AttributeType.Float, F = 0.5f },
            new AttributeProto { Name = "s", Type = AttributeType.String, S = Google.Protobuf.ByteString.CopyFromUtf8("a") },
            new AttributeProto { Name = "t", Type = AttributeType.Tensor, T = TestModels.FloatTensor("", 1f) },
            new AttributeProto { Name = "tp", Type = AttributeType.TypeProto, Tp = TestModels.Value("v").Type },
            floats);
        Assert.True(result.IsValid, result.ToString());
    }

    [Fact]
    public void A_type_without_a_value_is_a_default_value_and_passes() =>
        Assert.True(CheckWith(new AttributeProto { Name = "i", Type = AttributeType.Int }).IsValid);

    [Fact]
    public void An_attribute_needs_a_name() =>
        Assert.True(CheckWith(TestModels.IntAttribute("", 1)).Has(CheckRules.AttributeName));

    [Fact]
    public void Attribute_names_are_unique_per_node()
    {
        var issue = Assert.Single(CheckWith(TestModels.IntAttribute("axis", 1), TestModels.IntAttribute("axis", 2)).Issues);
        Assert.Equal(CheckRules.AttributeName, issue.Rule);
        Assert.Contains("'axis'", issue.Message);
        Assert.Equal(0, issue.NodeIndex);
        Assert.Contains("node 0 (Relu 'relu')", issue.Location);
    }

    [Fact]
    public void Two_nodes_may_have_attributes_of_one_name()
    {
        var model = TestModels.Valid();
        model.Graph.Node[0].Attribute.Add(TestModels.IntAttribute("axis", 1));
        model.Graph.Node[1].Attribute.Add(TestModels.IntAttribute("axis", 1));
        Assert.True(ModelChecker.Check(model).IsValid);
    }

    [Fact]
    public void From_ir_2_an_attribute_needs_a_type()
    {
        var untyped = new AttributeProto { Name = "i", I = 1 };
        Assert.True(CheckWith(untyped).Has(CheckRules.AttributeType));
        var model = TestModels.Valid();
        model.IrVersion = 1;
        model.OpsetImport.Clear();
        model.Graph.Input.Add(TestModels.Value("w"));
        model.Graph.Node[0].Attribute.Add(untyped.Clone());
        var result = ModelChecker.Check(model);
        Assert.True(result.IsValid, result.ToString());
    }

    [Theory]
    [InlineData(AttributeType.Float)]
    [InlineData(AttributeType.Ints)]
    [InlineData(AttributeType.Graph)]
    public void A_type_that_disagrees_with_the_value_field_is_reported(AttributeType declared)
    {
        var attr = new AttributeProto { Name = "i", Type = declared, I = 1 };
        var issue = Assert.Single(CheckWith(attr).Issues);
        Assert.Equal(CheckRules.AttributeType, issue.Rule);
    }

    [Fact]
    public void An_attribute_with_two_value_fields_is_reported()
    {
        var attr = TestModels.IntAttribute("i", 1);
        attr.Ints.Add(2);
        Assert.True(CheckWith(attr).Has(CheckRules.AttributeValue));
    }

    [Fact]
    public void Ref_attr_name_is_reported_outside_functions()
    {
        var attr = new AttributeProto { Name = "alpha", Type = AttributeType.Float, RefAttrName = "alpha" };
        var issue = Assert.Single(CheckWith(attr).Issues);
        Assert.Equal(CheckRules.AttributeReference, issue.Rule);
    }

    [Fact]
    public void Tensors_in_attributes_are_checked()
    {
        var bad = TestModels.FloatTensor("c", 1f, 2f);
        bad.Dims[0] = 3;
        var attr = new AttributeProto { Name = "value", Type = AttributeType.Tensor, T = bad };
        Assert.True(CheckWith(attr).Has(CheckRules.TensorData));
    }
}

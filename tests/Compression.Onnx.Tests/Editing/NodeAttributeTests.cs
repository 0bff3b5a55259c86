using Compression.Onnx.Diagnostics;
using Compression.Onnx.Editing;
using Compression.Onnx.Protobuf;
using Compression.Testing;
using Google.Protobuf;
using AttributeType = Compression.Onnx.Protobuf.AttributeProto.Types.AttributeType;

namespace Compression.Onnx.Tests.Editing;

public class NodeAttributeTests
{
    [Fact]
    public void The_builder_writes_each_attribute_with_its_type_in_the_order_given()
    {
        var tensor = TinyModels.FloatTensor("value", [1], [2]);
        var node = NodeBuilder.Op("DequantizeLinear", "dq").Inputs("q", "s").Outputs("w")
            .IntAttribute("axis", 1).FloatAttribute("alpha", 0.5f).IntsAttribute("pads", [1, 2]).TensorAttribute("value", tensor).Build();

        Assert.Equal(["axis", "alpha", "pads", "value"], node.Attribute.Select(a => a.Name));
        Assert.Equal([AttributeType.Int, AttributeType.Float, AttributeType.Ints, AttributeType.Tensor], node.Attribute.Select(a => a.Type));
        Assert.Equal(1, node.GetInt("axis", 0));
        Assert.Equal(0.5f, node.GetFloat("alpha", 1f));
        Assert.Equal([1L, 2L], node.GetInts("pads")!);
        Assert.Same(tensor, node.GetTensor("value"));
        Assert.Equal(["q", "s"], node.Input);
        Assert.Equal(["w"], node.Output);
    }

    [Fact]
    public void A_built_node_serializes_as_the_same_node_written_field_by_field()
    {
        var byHand = new NodeProto { OpType = "Cast", Name = "cast", Domain = "", Input = { "x" }, Output = { "y" } };
        byHand.Attribute.Add(new AttributeProto { Name = "to", Type = AttributeType.Int, I = 10 });
        var built = NodeBuilder.Op("Cast", "cast").Domain("").Inputs("x").Outputs("y").IntAttribute("to", 10).Build();

        Assert.Equal(byHand.ToByteArray(), built.ToByteArray());
        Assert.True(built.HasDomain);
        Assert.False(NodeBuilder.Op("Cast", "cast").Build().HasDomain);
    }

    [Fact]
    public void Absent_attributes_read_as_their_defaults_and_a_wrong_type_is_an_error()
    {
        var node = NodeBuilder.Op("Gemm", "gemm").FloatAttribute("alpha", 2f).Build();

        Assert.Equal(0, node.GetInt("transB", 0));
        Assert.Equal(1f, node.GetFloat("beta", 1f));
        Assert.Null(node.GetInts("pads"));
        var error = Assert.Throws<CompressionException>(() => node.GetInt("alpha", 0));
        Assert.Equal(ErrorCodes.ModelCheckFailed, error.Code);
    }

    [Fact]
    public void An_attribute_without_a_type_field_is_read_by_its_value()
    {
        var node = new NodeProto { OpType = "Gemm", Attribute = { new AttributeProto { Name = "transB", I = 1 } } };

        Assert.Equal(1, node.GetInt("transB", 0));
    }

    [Fact]
    public void Setting_changes_an_attribute_in_place_and_appends_a_new_one_last()
    {
        var node = NodeBuilder.Op("Conv", "conv").IntAttribute("group", 4).IntsAttribute("pads", [0, 0]).Build();

        node.SetInt("group", 2);
        node.SetInt("added", 7);

        Assert.Equal(["group", "pads", "added"], node.Attribute.Select(a => a.Name));
        Assert.Equal(2, node.GetInt("group", 0));
        Assert.Equal(AttributeType.Int, node.FindAttribute("added")!.Type);
    }

    [Fact]
    public void Taking_an_attribute_removes_it_and_hands_it_back()
    {
        var node = NodeBuilder.Op("Clip", "clip").FloatAttribute("min", -1f).FloatAttribute("max", 1f).Build();

        var min = node.TakeAttribute("min");

        Assert.Equal(-1f, min!.F);
        Assert.False(node.HasAttribute("min"));
        Assert.True(node.RemoveAttribute("max"));
        Assert.False(node.RemoveAttribute("max"));
        Assert.Empty(node.Attribute);
    }
}

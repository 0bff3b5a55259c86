using Compression.Engine.Graphs;
using Compression.Onnx.Protobuf;
using DataType = Compression.Onnx.Protobuf.TensorProto.Types.DataType;

namespace Compression.Engine.Quantization.Dynamic;

/// <summary>
/// The nodes that replace one float MatMul, Gemm or Conv in dynamic int8, in the order ONNX Runtime's quantization tool
/// writes them and its optimizer matches them: the integer product (MatMulInteger or ConvInteger over the quantized
/// activation and the int8 weight), a Cast to float, a Mul by activation scale × weight scales, and the bias Add.
/// ONNX Runtime fuses the MatMul form into MatMulIntegerToFloat (DynamicQuantizeMatMul when the quantization is not
/// shared); ConvInteger has no fused form there and runs as written.
/// </summary>
internal static class IntegerForms
{
    /// <summary>MatMul or Gemm: <c>y = (x_q − x_zp) · W_q</c> in int32, then × (x_scale · w_scale[n]) + bias.</summary>
    public static List<NodeProto> MatMul(NodeProto node, QuantizedActivation x, IntegerWeight w, string? bias, UniqueNames names) =>
        Write(node, "MatMulInteger", [], x, w, bias, names);

    /// <summary>Conv: ConvInteger with the Conv's own attributes (ONNX Runtime pads with the activation's zero point, which is 0.0).</summary>
    public static List<NodeProto> Conv(NodeProto node, QuantizedActivation x, IntegerWeight w, string? bias, UniqueNames names) =>
        Write(node, "ConvInteger", node.Attribute.Select(a => a.Clone()), x, w, bias, names);

    private static List<NodeProto> Write(NodeProto node, string integerOp, IEnumerable<AttributeProto> attributes,
        QuantizedActivation x, IntegerWeight w, string? bias, UniqueNames names)
    {
        var y = node.Output[0];
        var stem = node.Name.Length > 0 ? node.Name : y;
        var integer = names.Next($"{y}_int32");
        var asFloat = names.Next($"{y}_int32_float");
        var scale = names.Next($"{y}_output_scale");
        var unbiased = bias is null ? y : names.Next($"{y}_unbiased");

        var product = new NodeProto { OpType = integerOp, Name = names.Next($"{stem}_{integerOp}"), Input = { x.Values, w.Values, x.ZeroPoint }, Output = { integer } };
        product.Attribute.Add(attributes);
        var cast = new NodeProto { OpType = "Cast", Name = names.Next($"{stem}_Cast"), Input = { integer }, Output = { asFloat } };
        cast.Attribute.Add(new AttributeProto { Name = "to", Type = AttributeProto.Types.AttributeType.Int, I = (long)DataType.Float });
        List<NodeProto> nodes =
        [
            product,
            cast,
            // Activation scale first, as ONNX Runtime's tool writes it: its MatMulIntegerToFloat fusion matches this Mul.
            new NodeProto { OpType = "Mul", Name = names.Next($"{stem}_ScaleProduct"), Input = { x.Scale, w.Scales }, Output = { scale } },
            new NodeProto { OpType = "Mul", Name = names.Next($"{stem}_Rescale"), Input = { asFloat, scale }, Output = { unbiased } },
        ];
        if (bias is not null)
            nodes.Add(new NodeProto { OpType = "Add", Name = names.Next($"{stem}_Bias"), Input = { unbiased, bias }, Output = { y } });
        return nodes;
    }
}

using Compression.Onnx.Editing;
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
        Write(node, "MatMulInteger", copyAttributes: false, x, w, bias, names);

    /// <summary>Conv: ConvInteger with the Conv's own attributes (ONNX Runtime pads with the activation's zero point, which is 0.0).</summary>
    public static List<NodeProto> Conv(NodeProto node, QuantizedActivation x, IntegerWeight w, string? bias, UniqueNames names) =>
        Write(node, "ConvInteger", copyAttributes: true, x, w, bias, names);

    private static List<NodeProto> Write(NodeProto node, string integerOp, bool copyAttributes,
        QuantizedActivation x, IntegerWeight w, string? bias, UniqueNames names)
    {
        var y = node.Output[0];
        var stem = node.Name.Length > 0 ? node.Name : y;
        var integer = names.Next($"{y}_int32");
        var asFloat = names.Next($"{y}_int32_float");
        var scale = names.Next($"{y}_output_scale");
        var unbiased = bias is null ? y : names.Next($"{y}_unbiased");

        var product = NodeBuilder.Op(integerOp, names.Next($"{stem}_{integerOp}")).Inputs(x.Values, w.Values, x.ZeroPoint).Outputs(integer);
        if (copyAttributes) product.AttributesOf(node);
        List<NodeProto> nodes =
        [
            product.Build(),
            NodeBuilder.Op("Cast", names.Next($"{stem}_Cast")).Inputs(integer).Outputs(asFloat).IntAttribute("to", (long)DataType.Float).Build(),
            // Activation scale first, as ONNX Runtime's tool writes it: its MatMulIntegerToFloat fusion matches this Mul.
            NodeBuilder.Op("Mul", names.Next($"{stem}_ScaleProduct")).Inputs(x.Scale, w.Scales).Outputs(scale).Build(),
            NodeBuilder.Op("Mul", names.Next($"{stem}_Rescale")).Inputs(asFloat, scale).Outputs(unbiased).Build(),
        ];
        if (bias is not null)
            nodes.Add(NodeBuilder.Op("Add", names.Next($"{stem}_Bias")).Inputs(unbiased, bias).Outputs(y).Build());
        return nodes;
    }
}

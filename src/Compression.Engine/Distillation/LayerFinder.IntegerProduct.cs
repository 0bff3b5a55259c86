using Compression.Onnx.Editing;
using Compression.Onnx.Graph;
using Compression.Onnx.Protobuf;
using Compression.Onnx.Tensors;
using DataType = Compression.Onnx.Protobuf.TensorProto.Types.DataType;

namespace Compression.Engine.Distillation;

internal static partial class LayerFinder
{
    /// <summary>
    /// Dynamic int8's form of a MatMul or Conv: DynamicQuantizeLinear(x) → MatMulInteger / ConvInteger with a constant
    /// int8 weight → Cast → Mul by (activation scale × weight scales) → optional bias Add. The layer is fit as the float
    /// product it stands for: its input the float x before DynamicQuantizeLinear (the run-time rounding of x is the
    /// kernel's, not the fit's), its weight the integers times the constant per-channel scales, its output the bias Add
    /// (or the rescale) whose name is the original layer's output. The integers are chosen again; scales stay.
    /// </summary>
    private static DistilledLayer? IntegerProduct(GraphIndex main, GraphIndex teacher, NodeProto node, int qmax, IReadOnlyDictionary<string, int[]> kept)
    {
        var conv = node.OpType == "ConvInteger";
        if (node.Input.Count > 3 && node.Input[3].Length > 0) return null; // a weight zero point: not the pass's symmetric form
        if (main.ProducerOf(node.Input[0]) is not { OpType: "DynamicQuantizeLinear" } quantize) return null;
        if (main.ConsumersOf(node.Input[1]).Count != 1 || ConstantWeights.Find(main, node.Input[1]) is not { } q
            || q.Tensor.DataType != (int)DataType.Int8) return null;
        if (main.ConsumersOf(node.Output[0]) is not [{ OpType: "Cast" } cast]
            || main.ConsumersOf(cast.Output[0]) is not [{ OpType: "Mul" } rescale]) return null;
        var scaleProduct = rescale.Input[0] == cast.Output[0] ? rescale.Input[1] : rescale.Input[0];
        if (main.ProducerOf(scaleProduct) is not { OpType: "Mul" } product || product.Input[0] != quantize.Output[1]
            || ConstantWeights.Find(main, product.Input[1]) is not { } scales || scales.Tensor.DataType != (int)DataType.Float) return null;

        var dims = q.Tensor.Dims.ToArray();
        var groups = conv ? (int)node.GetInt("group", 1) : 1;
        if (conv ? dims.Length != 4 || groups < 1 || dims[0] % groups != 0 : dims.Length != 2) return null;
        var layout = conv ? ProductLayout.Conv(dims, groups) : ProductLayout.KByN(dims);
        var channelScales = TensorData.Read<float>(scales.Tensor);
        if (channelScales.Length != layout.Rows) return null;
        var count = checked((int)dims.Aggregate(1L, (a, d) => a * d));
        var perChannel = count / layout.Rows;
        var scaleOf = new float[count];
        for (var i = 0; i < count; i++) scaleOf[i] = channelScales[conv ? i / perChannel : i % layout.Rows];

        var (output, bias) = (rescale.Output[0], (LayerBias?)null);
        if (main.ConsumersOf(output) is [{ OpType: "Add" } add] && add.Input.Count == 2)
        {
            var other = add.Input[0] == output ? add.Input[1] : add.Input[0];
            if (ConstantWeights.Find(main, other) is { } constant && main.ConsumersOf(other).Count == 1
                && constant.Tensor.DataType == (int)DataType.Float && constant.Tensor.Dims.Aggregate(1L, (a, d) => a * d) == layout.Rows
                && constant.Tensor.Dims.Count(d => d != 1) <= 1)
                (output, bias) = (add.Output[0], new LayerBias(constant.Tensor, null));
        }
        if (teacher.ProducerOf(output) is not { } original) return null;
        // GPTQ's target when the teacher's layer is the plain product this one replaced, with the same weight layout.
        var same = original.OpType == (conv ? "Conv" : "MatMul") ? original : null;
        return new DistilledLayer(node, quantize.Input[0], output, layout, new GridWeightForm(q.Tensor, scaleOf, new int[count], -qmax, qmax), bias)
        {
            WeightDims = dims,
            Target = output,
            TargetChannels = kept.GetValueOrDefault(output),
            TeacherWeights = TeacherWeights(teacher, node, same, dims, kept.GetValueOrDefault(output), same is null ? null : kept.GetValueOrDefault(same.Input[0])),
        };
    }
}

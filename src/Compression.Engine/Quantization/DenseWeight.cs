using Compression.Onnx.Editing;
using Compression.Onnx.Graph;
using Compression.Onnx.Protobuf;
using Compression.Onnx.Tensors;
using DataType = Compression.Onnx.Protobuf.TensorProto.Types.DataType;

namespace Compression.Engine.Quantization;

/// <summary>
/// The constant float weight of a MatMul or Gemm seen as the [K, N] matrix the product reads (K the reduction axis,
/// N the output columns): a Gemm with transB is transposed here, at build time, because ONNX Runtime's integer and
/// 4-bit kernels (MatMulIntegerToFloat, MatMulNBits) are matched only on an untransposed [K, N] weight. Gemm's alpha
/// is carried along so the writer can fold it into the weight scales.
/// </summary>
internal sealed record DenseWeight(ConstantWeight Source, float[] Values, int K, int N, float Alpha, bool Transposed)
{
    /// <summary>The weight of <paramref name="node"/> (MatMul with a 2-D weight, or Gemm), or null when it has none of that form.</summary>
    public static DenseWeight? Of(IGraphView graph, NodeProto node)
    {
        if (node.Domain is not ("" or "ai.onnx") || node.Input.Count < 2) return null;
        if (node.OpType is not ("MatMul" or "Gemm")) return null;
        var weight = ConstantWeights.Find(graph, node.Input[1]);
        if (weight is null || weight.Tensor.DataType != (int)DataType.Float || weight.Tensor.Dims.Count != 2) return null;
        var rows = checked((int)weight.Tensor.Dims[0]);
        var columns = checked((int)weight.Tensor.Dims[1]);
        var values = TensorData.Read<float>(weight.Tensor);
        if (node.OpType == "MatMul") return new DenseWeight(weight, values, rows, columns, 1f, false);

        var alpha = node.GetFloat("alpha", 1f);
        if (node.GetInt("transB", 0) != 1) return new DenseWeight(weight, values, rows, columns, alpha, false);
        var transposed = new float[values.Length];
        for (var n = 0; n < rows; n++)
            for (var k = 0; k < columns; k++)
                transposed[k * rows + n] = values[n * columns + k];
        return new DenseWeight(weight, transposed, columns, rows, alpha, true);
    }

    /// <summary>Makes a Gemm read its new [K, N] weight as it stands: transB and alpha are gone into the weight and its scales.</summary>
    public static void ClearGemmTransposeAndAlpha(NodeProto gemm)
    {
        gemm.RemoveAttribute("transB");
        gemm.RemoveAttribute("alpha");
    }
}

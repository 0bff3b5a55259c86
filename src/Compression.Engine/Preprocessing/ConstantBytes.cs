using Compression.Onnx.Model;
using Compression.Onnx.Protobuf;
using Compression.Onnx.Tensors;
using DataType = Compression.Onnx.Protobuf.TensorProto.Types.DataType;

namespace Compression.Engine.Preprocessing;

/// <summary>
/// The bytes a model spends on constants (initializers and Constant-node values in every graph): what preprocessing
/// reports before and after each pass, since folding can add bytes (a folded ConstantOfShape) as well as remove them.
/// </summary>
internal static class ConstantBytes
{
    public static long Of(ModelProto model) =>
        ModelTensors.Enumerate(model)
            .Where(t => t.Site is TensorSite.Initializer or TensorSite.ConstantNode)
            .Sum(t => Of(t.Tensor));

    public static long Of(TensorProto tensor) =>
        tensor.DataType == (int)DataType.String
            ? tensor.StringData.Sum(s => (long)s.Length)
            : ElementTypes.RawByteCount((DataType)tensor.DataType, tensor.Dims.Aggregate(1L, (a, d) => a * d));
}

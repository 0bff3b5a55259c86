using DataType = Compression.Onnx.Protobuf.TensorProto.Types.DataType;

namespace Compression.Engine.Quantization.Static;

/// <summary>The scale and zero point of one quantized activation, in its element type (uint8 or int8).</summary>
internal sealed record QdqParameters(float Scale, int ZeroPoint, DataType ElementType);

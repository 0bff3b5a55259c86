namespace Compression.Engine.Quantization.Dynamic;

/// <summary>
/// The three outputs of one DynamicQuantizeLinear: the uint8 activation, its scale and its zero point, computed from
/// the activation's own range at every run. One per activation and graph, shared by every integer node reading it, as
/// ONNX Runtime's own tool writes it (ONNX Runtime then runs one quantization and several MatMulIntegerToFloat).
/// </summary>
internal sealed record QuantizedActivation(string Values, string Scale, string ZeroPoint);

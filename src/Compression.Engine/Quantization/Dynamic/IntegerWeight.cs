namespace Compression.Engine.Quantization.Dynamic;

/// <summary>
/// A weight written for an integer kernel: symmetric int8 values (zero point 0, so no zero-point input is needed, which
/// is also the only form of ConvInteger whose weight zero point ONNX Runtime's CPU kernel accepts: one per tensor) and
/// float32 scales per output channel, shaped to multiply the kernel's output directly.
/// </summary>
internal sealed record IntegerWeight(string Values, string Scales, long BytesBefore, long BytesAfter);

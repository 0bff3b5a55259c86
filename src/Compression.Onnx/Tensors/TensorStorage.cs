namespace Compression.Onnx.Tensors;

/// <summary>
/// Where a written tensor keeps its values. raw_data is compact and fast and what every producer of large tensors
/// uses; the typed fields exist for tools that only read those and for small tensors that varint-encode smaller.
/// </summary>
public enum TensorStorage
{
    RawData,
    TypedFields,
}

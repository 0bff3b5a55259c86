using Compression.Onnx.Diagnostics;
using Compression.Onnx.Protobuf;

namespace Compression.Onnx.DataFiles;

/// <summary>
/// One tensor file of a data set, in either form the data-set layout allows, chosen by extension: NumPy .npy or an
/// ONNX TensorProto .pb. The extension decides rather than sniffing the bytes, because a .pb has no magic number.
/// </summary>
public static class TensorFile
{
    public static bool IsTensorFile(string path) =>
        Path.GetExtension(path).ToLowerInvariant() is ".npy" or ".pb";

    public static TensorProto Read(string path) => Path.GetExtension(path).ToLowerInvariant() switch
    {
        ".npy" => NpyFile.Read(path),
        ".pb" => TensorProtoFile.Read(path),
        _ => throw UnknownExtension(path),
    };

    public static void Write(string path, TensorProto tensor)
    {
        switch (Path.GetExtension(path).ToLowerInvariant())
        {
            case ".npy":
                NpyFile.Write(path, tensor);
                break;
            case ".pb":
                TensorProtoFile.Write(path, tensor);
                break;
            default:
                throw UnknownExtension(path);
        }
    }

    private static CompressionException UnknownExtension(string path) =>
        new(ErrorCodes.DataFileUnsupported, "a tensor file must be NumPy (.npy) or an ONNX TensorProto (.pb).", path);
}

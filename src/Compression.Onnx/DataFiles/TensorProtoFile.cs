using Compression.Onnx.Diagnostics;
using Compression.Onnx.Model;
using Compression.Onnx.Protobuf;
using Compression.Onnx.Tensors;
using Google.Protobuf;

namespace Compression.Onnx.DataFiles;

/// <summary>
/// A serialized ONNX TensorProto on its own (input_0.pb, output_0.pb: the layout of ONNX's test_data_set_N folders).
/// Protobuf has no magic number and many byte strings parse, so a read also requires a known element type and data
/// that agrees with the dims before it calls the file a tensor.
/// </summary>
public static class TensorProtoFile
{
    public static TensorProto Read(string path)
    {
        byte[] bytes;
        try
        {
            bytes = File.ReadAllBytes(path);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            throw new CompressionException(ErrorCodes.DataFileNotFound, "the data file does not exist.", path, e);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new CompressionException(ErrorCodes.DataFileInvalid, $"the data file cannot be read: {e.Message}", path, e);
        }
        return Parse(bytes, path);
    }

    /// <summary>Parses and validates serialized bytes; <paramref name="path"/> names them in errors.</summary>
    public static TensorProto Parse(ReadOnlySpan<byte> bytes, string? path = null)
    {
        if (FileSignatures.Describe(bytes) is { } what)
            throw Invalid(path, $"the file is {what}");
        TensorProto tensor;
        try
        {
            tensor = TensorProto.Parser.ParseFrom(bytes);
        }
        catch (InvalidProtocolBufferException e)
        {
            throw Invalid(path, $"the bytes do not parse: {e.Message}", e);
        }
        if (!ElementTypes.IsKnown(tensor.DataType))
            throw Invalid(path, $"it has no known element type (data_type {tensor.DataType})");
        if (tensor.DataLocation == TensorProto.Types.DataLocation.External)
            throw new CompressionException(ErrorCodes.DataFileUnsupported,
                "a data file's tensor must hold its data itself, not refer to external data.", path);
        TensorValidation.Validate(tensor, path);
        return tensor;
    }

    public static void Write(string path, TensorProto tensor)
    {
        if (tensor.DataLocation == TensorProto.Types.DataLocation.External)
            throw new CompressionException(ErrorCodes.TensorDataNotLoaded,
                $"tensor '{tensor.Name}' keeps its data in an external file that has not been loaded.", path);
        TensorValidation.Validate(tensor, path);
        try
        {
            AtomicFile.Write(path, tensor.WriteTo);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new CompressionException(ErrorCodes.DataFileWriteFailed, $"the data file cannot be written: {e.Message}", path, e);
        }
    }

    private static CompressionException Invalid(string? path, string detail, Exception? inner = null) =>
        new(ErrorCodes.DataFileInvalid, $"not a serialized ONNX TensorProto: {detail}.", path, inner);
}

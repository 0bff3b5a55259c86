using Compression.Onnx.Diagnostics;
using Compression.Onnx.Protobuf;
using Compression.Onnx.Tensors;
using Google.Protobuf;
using DataType = Compression.Onnx.Protobuf.TensorProto.Types.DataType;

namespace Compression.Onnx.Model;

/// <summary>
/// Brings external tensor data into memory at load, so that every later step sees tensors with raw_data and never has
/// to know where the bytes came from. Offsets and lengths are checked against the file and the dims before reading.
/// </summary>
internal sealed class ExternalDataReader : IDisposable
{
    private readonly string _baseDirectory;
    private readonly string? _modelFile;
    private readonly Dictionary<string, FileStream> _open = new(StringComparer.Ordinal);

    public ExternalDataReader(string baseDirectory, string? modelFile)
    {
        _baseDirectory = baseDirectory;
        _modelFile = modelFile;
    }

    public void Resolve(TensorProto tensor)
    {
        string? location = null;
        long offset = 0;
        long? length = null;
        foreach (var entry in tensor.ExternalData)
        {
            switch (entry.Key)
            {
                case "location": location = entry.Value; break;
                case "offset": offset = ParseNumber(entry, tensor); break;
                case "length": length = ParseNumber(entry, tensor); break;
            }
        }
        if (location is null)
            throw new CompressionException(ErrorCodes.ExternalDataMissing,
                $"tensor '{tensor.Name}' is marked external but names no location.", _modelFile);

        var path = ExternalDataLocation.Resolve(_baseDirectory, location, _modelFile);
        var stream = Open(path, tensor);
        var count = TensorShape.ElementCount(tensor, _modelFile);
        var type = (DataType)tensor.DataType;
        if (ElementTypes.BitsPerElement(type) == 0)
            throw new CompressionException(ErrorCodes.TensorElementTypeUnsupported,
                $"tensor '{tensor.Name}' of type {ElementTypes.Name(tensor)} cannot be stored as external data.", _modelFile);
        var expected = ElementTypes.RawByteCount(type, count);
        var size = length ?? stream.Length - offset;
        if (offset < 0 || size < 0 || offset > stream.Length || size > stream.Length - offset)
            throw new CompressionException(ErrorCodes.ExternalDataOutOfRange,
                $"tensor '{tensor.Name}' reads bytes {offset}..{offset + size} of '{location}', which has {stream.Length}.", _modelFile);
        if (size != expected)
            throw new CompressionException(ErrorCodes.TensorDataSizeMismatch,
                $"tensor '{tensor.Name}' has {size} bytes of external data but dims {TensorShape.Format(tensor.Dims)} of {ElementTypes.Name(tensor)} need {expected}.", _modelFile);
        if (size > Array.MaxLength)
            throw new CompressionException(ErrorCodes.TensorTooLarge,
                $"tensor '{tensor.Name}' has {size} bytes; one tensor larger than {Array.MaxLength} bytes is not supported.", _modelFile);

        var bytes = GC.AllocateUninitializedArray<byte>((int)size);
        stream.Position = offset;
        stream.ReadExactly(bytes);
        tensor.RawData = UnsafeByteOperations.UnsafeWrap(bytes);
        tensor.ExternalData.Clear();
        tensor.ClearDataLocation();
    }

    private FileStream Open(string path, TensorProto tensor)
    {
        if (_open.TryGetValue(path, out var existing)) return existing;
        if (!File.Exists(path))
            throw new CompressionException(ErrorCodes.ExternalDataMissing,
                $"tensor '{tensor.Name}' keeps its data in '{Path.GetFileName(path)}', which does not exist beside the model.", _modelFile);
        var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16);
        _open[path] = stream;
        return stream;
    }

    private long ParseNumber(StringStringEntryProto entry, TensorProto tensor) =>
        long.TryParse(entry.Value, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var v)
            ? v
            : throw new CompressionException(ErrorCodes.ExternalDataOutOfRange,
                $"tensor '{tensor.Name}' has external data {entry.Key} '{entry.Value}', which is not a non-negative whole number.", _modelFile);

    public void Dispose()
    {
        foreach (var s in _open.Values) s.Dispose();
        _open.Clear();
    }
}

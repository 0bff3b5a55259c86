using Compression.Onnx.Diagnostics;
using Compression.Onnx.Protobuf;
using Compression.Onnx.Tensors;
using Google.Protobuf;

namespace Compression.Onnx.Model;

/// <summary>
/// An ONNX model in memory, with all tensor bytes present (external data is read at load), ready to inspect, change
/// and save. Loading checks what later steps rely on — the bytes parse, a graph exists, every tensor's data matches its
/// dims — and reports anything else as a <see cref="CompressionException"/> with a code and the file.
/// </summary>
public sealed class OnnxModel
{
    /// <summary>Protobuf's own nesting limit: deeper subgraphs than this are refused (ONNX's C++ loader uses the same).</summary>
    public const int MaxNestingDepth = 100;

    private OnnxModel(ModelProto proto, string? sourcePath)
    {
        Proto = proto;
        SourcePath = sourcePath;
    }

    public ModelProto Proto { get; }

    public GraphProto Graph => Proto.Graph;

    /// <summary>The file the model was loaded from, for messages; null for streams and bytes.</summary>
    public string? SourcePath { get; }

    public static OnnxModel FromProto(ModelProto proto, string? sourcePath = null)
    {
        Validate(proto, sourcePath);
        return new OnnxModel(proto, sourcePath);
    }

    public static OnnxModel Load(string path)
    {
        var full = Path.GetFullPath(path);
        if (!File.Exists(full))
            throw new CompressionException(ErrorCodes.ModelNotFound,
                Directory.Exists(full) ? "this is a folder, not a model file." : "the model file does not exist.", path);
        using var stream = new FileStream(full, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 20);
        return Load(stream, Path.GetDirectoryName(full), path);
    }

    public static OnnxModel Load(byte[] bytes, string? baseDirectory = null, string? sourceName = null) =>
        Load(new MemoryStream(bytes, writable: false), baseDirectory, sourceName);

    /// <param name="baseDirectory">The folder external data locations are relative to; null when the model has none.</param>
    public static OnnxModel Load(Stream stream, string? baseDirectory = null, string? sourceName = null)
    {
        if (stream.CanSeek && stream.Length == 0)
            throw new CompressionException(ErrorCodes.ModelEmpty, "the model file is empty.", sourceName);
        var proto = Parse(stream, sourceName);
        if (proto.Graph is null)
            throw new CompressionException(ErrorCodes.ModelNoGraph,
                "the file parsed as protobuf but holds no ONNX graph; it is not an ONNX model.", sourceName);

        var external = ModelTensors.Enumerate(proto)
            .Where(t => t.Tensor.DataLocation == TensorProto.Types.DataLocation.External).ToList();
        if (external.Count > 0)
        {
            if (baseDirectory is null)
                throw new CompressionException(ErrorCodes.ExternalDataMissing,
                    "the model keeps tensors in external data files, but it was loaded from a stream with no folder to find them in.", sourceName);
            using var reader = new ExternalDataReader(baseDirectory, sourceName);
            foreach (var t in external) reader.Resolve(t.Tensor);
        }
        Validate(proto, sourceName);
        return new OnnxModel(proto, sourceName);
    }

    private static ModelProto Parse(Stream stream, string? sourceName)
    {
        Span<byte> head = stackalloc byte[8];
        if (stream.CanSeek)
        {
            var read = stream.ReadAtLeast(head, head.Length, throwOnEndOfStream: false);
            stream.Position = 0;
            if (FileSignatures.Describe(head[..read]) is { } kind)
                throw new CompressionException(ErrorCodes.ModelCorrupt,
                    $"this is {kind}, not an ONNX model.", sourceName);
        }
        try
        {
            var input = CodedInputStream.CreateWithLimits(stream, int.MaxValue, MaxNestingDepth);
            var proto = new ModelProto();
            proto.MergeFrom(input);
            return proto;
        }
        catch (InvalidProtocolBufferException e) when (e.Message.Contains("recursion", StringComparison.OrdinalIgnoreCase))
        {
            throw new CompressionException(ErrorCodes.ModelNestedTooDeeply,
                $"the model nests subgraphs or types more than {MaxNestingDepth} levels deep.", sourceName, e);
        }
        catch (InvalidProtocolBufferException e)
        {
            throw new CompressionException(ErrorCodes.ModelCorrupt,
                $"the file is not a valid ONNX model (truncated or corrupt): {e.Message}", sourceName, e);
        }
    }

    private static void Validate(ModelProto proto, string? sourceName)
    {
        foreach (var t in ModelTensors.Enumerate(proto))
            TensorValidation.Validate(t.Tensor, sourceName);
    }

    /// <summary>
    /// Writes the model to <paramref name="path"/>, atomically: the bytes go to a temporary file beside it that is
    /// renamed over the target, so a crash never leaves half a model. Tensors move to a data file beside the model when
    /// the options ask for it or the model would pass the protobuf limit.
    /// </summary>
    public void Save(string path, ModelSaveOptions? options = null)
    {
        options ??= ModelSaveOptions.Default;
        var full = Path.GetFullPath(path);
        var folder = Path.GetDirectoryName(full)!;
        var useExternal = options.ExternalData switch
        {
            ExternalDataMode.Always => true,
            ExternalDataMode.Never => false,
            _ => ExternalDataWriter.InlineTensorBytes(Proto) > options.ExternalDataThresholdBytes,
        };
        try
        {
            Directory.CreateDirectory(folder);
            if (!useExternal)
            {
                AtomicFile.Write(full, s => WriteProto(Proto, s, path));
                return;
            }
            var dataName = options.ExternalDataFileName ?? Path.GetFileName(full) + ".data";
            var dataPath = ExternalDataLocation.Resolve(folder, dataName, path);
            var copy = Proto.Clone();
            AtomicFile.Write(dataPath, s => ExternalDataWriter.Externalize(copy, s, dataName, options.MinExternalTensorBytes));
            AtomicFile.Write(full, s => WriteProto(copy, s, path));
        }
        catch (IOException e)
        {
            throw new CompressionException(ErrorCodes.ModelWriteFailed, $"the model could not be written: {e.Message}", path, e);
        }
        catch (UnauthorizedAccessException e)
        {
            throw new CompressionException(ErrorCodes.ModelWriteFailed, $"the model could not be written: {e.Message}", path, e);
        }
    }

    /// <summary>Writes the model, all inline, to a stream.</summary>
    public void Save(Stream stream) => WriteProto(Proto, stream, SourcePath);

    public byte[] ToBytes()
    {
        using var ms = new MemoryStream();
        Save(ms);
        return ms.ToArray();
    }

    private static void WriteProto(ModelProto proto, Stream stream, string? file)
    {
        if (ExternalDataWriter.InlineTensorBytes(proto) > ModelSaveOptions.ProtobufLimitBytes)
            throw new CompressionException(ErrorCodes.ModelWriteFailed,
                "the model's tensors pass the 2 GB protobuf limit; save it to a file so they can go to external data.", file);
        // A large buffer: protobuf copies long fields through it, and each refill is one write to the stream.
        var output = new CodedOutputStream(stream, 1 << 20, leaveOpen: true);
        proto.WriteTo(output);
        output.Flush();
    }
}

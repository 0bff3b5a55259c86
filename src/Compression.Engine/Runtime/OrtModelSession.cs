using System.Runtime.InteropServices;
using Compression.Evaluation.Tensors;
using Microsoft.ML.OnnxRuntime;
using DenseTensor = Microsoft.ML.OnnxRuntime.Tensors.DenseTensor<string>;
using TensorElementType = Microsoft.ML.OnnxRuntime.Tensors.TensorElementType;
using DataType = Compression.Onnx.Protobuf.TensorProto.Types.DataType;

namespace Compression.Engine.Runtime;

/// <summary>
/// One model in an ONNX Runtime session as an app gets it (CPU provider, default graph optimizations), with the
/// samples turned into ORT values once, so a timed run is ORT's work alone. Inputs the model does not take are left out.
/// </summary>
internal sealed class OrtModelSession : IDisposable
{
    private readonly InferenceSession _session;
    private readonly RunOptions _run = new() { LogSeverityLevel = OrtLoggingLevel.ORT_LOGGING_LEVEL_FATAL };
    private readonly List<Dictionary<string, OrtValue>> _feeds = [];
    private readonly string[] _outputs;

    /// <param name="threads">ORT's intra-op threads; 0 for ORT's default.</param>
    /// <exception cref="OnnxRuntimeException">ORT refuses the model.</exception>
    public OrtModelSession(byte[] model, IReadOnlyList<Dictionary<string, Tensor>> samples, int threads = 0)
    {
        using (var options = new SessionOptions { IntraOpNumThreads = threads, LogSeverityLevel = OrtLoggingLevel.ORT_LOGGING_LEVEL_FATAL })
            _session = new InferenceSession(model, options);
        _outputs = [.. _session.OutputMetadata.Keys];
        try
        {
            // Inputs the samples cannot give as ORT expects them (sequences, maps, optionals, another element type) leave
            // the model loaded but not run: a check must not fail on inputs it made up.
            if (samples.Count > 0 && _session.InputMetadata.All(i => i.Value.OnnxValueType == OnnxValueType.ONNX_TYPE_TENSOR
                    && samples[0].TryGetValue(i.Key, out var t) && (int)i.Value.ElementDataType == (int)t.ElementType))
                foreach (var sample in samples)
                    _feeds.Add(sample.Where(s => _session.InputMetadata.ContainsKey(s.Key)).ToDictionary(s => s.Key, s => ToOrtValue(s.Value), StringComparer.Ordinal));
        }
        catch
        {
            Dispose();
            throw;
        }
    }

    /// <summary>The samples the session can run: none when the inputs cannot be given (the model is then only loaded).</summary>
    public int Samples => _feeds.Count;

    /// <summary>Runs sample <paramref name="index"/> and drops the outputs.</summary>
    /// <exception cref="OnnxRuntimeException">ORT cannot run it.</exception>
    public void Run(int index)
    {
        using var results = _session.Run(_run, _feeds[index], _outputs);
    }

    public void Dispose()
    {
        foreach (var value in _feeds.SelectMany(f => f.Values)) value.Dispose();
        _feeds.Clear();
        _session.Dispose();
        _run.Dispose();
    }

    private static OrtValue ToOrtValue(Tensor tensor)
    {
        if (tensor.ElementType == DataType.String)
            return OrtValue.CreateFromStringTensor(new DenseTensor(((string?[])tensor.Data).Select(v => v ?? "").ToArray(), tensor.Shape));
        var size = ElementBytes(tensor.ElementType);
        var value = OrtValue.CreateAllocatedTensorValue(OrtAllocator.DefaultInstance, (TensorElementType)(int)tensor.ElementType,
            [.. tensor.Shape.Select(d => (long)d)]);
        // ONNX and ORT number element types alike, and each executor array holds them in ORT's layout.
        var source = MemoryMarshal.CreateReadOnlySpan(ref MemoryMarshal.GetArrayDataReference(tensor.Data), tensor.Length * size);
        source.CopyTo(value.GetTensorMutableDataAsSpan<byte>());
        return value;
    }

    private static int ElementBytes(DataType type) => type switch
    {
        DataType.Double or DataType.Int64 or DataType.Uint64 => 8,
        DataType.Float or DataType.Int32 or DataType.Uint32 => 4,
        DataType.Float16 or DataType.Bfloat16 or DataType.Int16 or DataType.Uint16 => 2,
        DataType.Int8 or DataType.Uint8 or DataType.Bool => 1,
        _ => throw new NotSupportedException($"an input of element type {type} cannot be given to ONNX Runtime by the check"),
    };
}

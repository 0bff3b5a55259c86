using Compression.Onnx.Protobuf;
using Google.Protobuf;

namespace Compression.Onnx.Model;

/// <summary>
/// Moves tensor bytes of a (cloned) model into one data file and points the tensors at it. Offsets are aligned to 64
/// bytes so that a runtime that maps the file can read any tensor with aligned loads.
/// </summary>
internal static class ExternalDataWriter
{
    private const int Alignment = 64;

    /// <summary>Tensor bytes a model holds inline, counted over every tensor the model stores.</summary>
    public static long InlineTensorBytes(ModelProto model) =>
        ModelTensors.Enumerate(model).Sum(t => (long)t.Tensor.RawData.Length);

    /// <summary>Rewrites <paramref name="model"/>'s large tensors to reference <paramref name="dataFileName"/>; writes their bytes to <paramref name="data"/>.</summary>
    public static void Externalize(ModelProto model, Stream data, string dataFileName, int minTensorBytes)
    {
        long offset = 0;
        Span<byte> padding = stackalloc byte[Alignment];
        foreach (var (tensor, _, _, _) in ModelTensors.Enumerate(model))
        {
            if (!tensor.HasRawData || tensor.RawData.Length < minTensorBytes) continue;
            var pad = (int)((Alignment - offset % Alignment) % Alignment);
            data.Write(padding[..pad]);
            offset += pad;
            var bytes = tensor.RawData.Span;
            data.Write(bytes);
            tensor.ClearRawData();
            tensor.DataLocation = TensorProto.Types.DataLocation.External;
            tensor.ExternalData.Add(new StringStringEntryProto { Key = "location", Value = dataFileName });
            tensor.ExternalData.Add(new StringStringEntryProto { Key = "offset", Value = offset.ToString(System.Globalization.CultureInfo.InvariantCulture) });
            tensor.ExternalData.Add(new StringStringEntryProto { Key = "length", Value = bytes.Length.ToString(System.Globalization.CultureInfo.InvariantCulture) });
            offset += bytes.Length;
        }
    }
}

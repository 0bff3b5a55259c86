using Compression.Evaluation.Tensors;
using Compression.Onnx.DataFiles;
using Compression.Onnx.Diagnostics;
using Compression.Onnx.Tensors;
using DataType = Compression.Onnx.Protobuf.TensorProto.Types.DataType;

namespace Compression.Engine.Reporting;

/// <summary>
/// labels.npy beside a validation set's samples (docs/calibration.md): one integer class index per sample, in the samples' order.
/// A sample's prediction is the arg max of the model's first class-score output (shape [1, C], C &gt; 1).
/// </summary>
internal static class ValidationLabels
{
    public const string FileName = "labels.npy";

    /// <summary>The labels, or null when the set has none; a file that does not fit the set is a coded error.</summary>
    public static long[]? Read(string dataSet, int samples)
    {
        var path = Path.Combine(dataSet, FileName);
        if (!File.Exists(path)) return null;
        var tensor = NpyFile.Read(path);
        if ((DataType)tensor.DataType is not (DataType.Int64 or DataType.Int32))
            throw new CompressionException(EngineErrorCodes.InvalidOptionValue, $"labels.npy must hold int64 (or int32) class indices, not {(DataType)tensor.DataType}.", path);
        var labels = (DataType)tensor.DataType == DataType.Int64 ? TensorData.Read<long>(tensor) : TensorData.Read<int>(tensor).Select(v => (long)v).ToArray();
        if (labels.Length != samples)
            throw new CompressionException(EngineErrorCodes.InvalidOptionValue, $"labels.npy holds {labels.Length} labels for {samples} samples; it needs one per sample, in sample order.", path);
        return labels;
    }

    /// <summary>The first output that holds class scores for one sample, or null when none does.</summary>
    public static string? ClassScores(IReadOnlyList<string> outputs, IReadOnlyDictionary<string, Tensor> values) =>
        outputs.FirstOrDefault(o => values[o] is { ElementType: DataType.Float, Rank: 2 } t && t.Shape[0] == 1 && t.Shape[1] > 1);

    public static long Predicted(Tensor scores)
    {
        var values = scores.ReadOnlySpan<float>();
        var best = 0;
        for (var i = 1; i < values.Length; i++) if (values[i] > values[best]) best = i;
        return best;
    }
}

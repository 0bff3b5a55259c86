using Compression.Evaluation.Tensors;
using Compression.Onnx.Protobuf;

namespace Compression.Evaluation.DataSets;

/// <summary>
/// A calibration or validation data set (docs/calibration.md): a folder whose subfolders are samples, or a folder that is itself
/// one sample; each sample holds one file per model input, matched as <c>modelc run</c> matches them. Samples come in
/// ordinal order of their folder names, so every machine sees the same sequence.
/// </summary>
public static class DataSet
{
    public static IReadOnlyList<string> SampleFolders(string folder)
    {
        if (!Directory.Exists(folder))
            throw new Onnx.Diagnostics.CompressionException(EvaluationErrorCodes.DataSetFolderMissing, "the data-set folder does not exist.", folder);
        var samples = Directory.GetDirectories(folder).Order(StringComparer.Ordinal).ToList();
        return samples.Count > 0 ? samples : [folder];
    }

    public static IEnumerable<Dictionary<string, Tensor>> Load(string folder, IReadOnlyList<ValueInfoProto> inputs) =>
        SampleFolders(folder).Select(sample => InputFiles.Load(sample, inputs));
}

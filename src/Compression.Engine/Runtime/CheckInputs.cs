using Compression.Engine.Reporting;
using Compression.Evaluation.DataSets;
using Compression.Evaluation.Tensors;
using Compression.Onnx.Model;

namespace Compression.Engine.Runtime;

/// <summary>
/// The few samples ONNX Runtime runs a model on: the first of the validation data, else of the calibration data,
/// else the fidelity measurement's seeded synthetic inputs (<see cref="SyntheticInputs"/>) — a check, not a measurement.
/// </summary>
internal static class CheckInputs
{
    public const int Samples = 2;

    public static (IReadOnlyList<Dictionary<string, Tensor>> Samples, string Label) For(OnnxModel model, string? validationData, string? calibrationData)
    {
        var initializers = model.Graph.Initializer.Select(i => i.Name).ToHashSet(StringComparer.Ordinal);
        var feeds = model.Graph.Input.Where(i => !initializers.Contains(i.Name)).ToList();
        var folder = !string.IsNullOrEmpty(validationData) ? validationData : !string.IsNullOrEmpty(calibrationData) ? calibrationData : null;
        return folder is null
            ? (Enumerable.Range(0, Samples).Select(seed => SyntheticInputs.Sample(feeds, seed)).ToList(), SyntheticInputs.Label)
            : (DataSet.Load(folder, feeds).Take(Samples).ToList(), folder == validationData ? $"validation data {folder}" : $"calibration data {folder}");
    }
}

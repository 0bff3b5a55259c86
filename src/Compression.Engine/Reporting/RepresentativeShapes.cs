using Compression.Evaluation.DataSets;
using Compression.Evaluation.Inference;
using Compression.Onnx.Diagnostics;
using Compression.Onnx.Model;
using Compression.Onnx.Protobuf;
using Compression.Onnx.Summary;

namespace Compression.Engine.Reporting;

/// <summary>
/// The concrete shapes costs are computed with, for each input whose declared shape has a dynamic dimension. Per
/// input, the first that applies: the shape the user gave (<c>InputShapes</c> / <c>--input-shape</c>: a statement
/// about the deployment), the data set's (validation, else calibration: per dimension the lower median over its
/// samples, so one long sentence does not set the cost of all), else the declared default — batch 1 and every other
/// dynamic dimension <see cref="InputCostShape.DefaultDim"/>. Each carries its source, so the report says it.
/// </summary>
internal static class RepresentativeShapes
{
    /// <summary>Samples read for the median: shapes settle long before, and a large set should not cost a full read.</summary>
    private const int MaxSamples = 256;

    /// <summary>For a compression: validation data, else calibration data.</summary>
    public static IReadOnlyList<InputCostShape> Resolve(OnnxModel model, IReadOnlyDictionary<string, int[]>? given = null,
        string? validationData = null, string? calibrationData = null) =>
        validationData is not null ? ForDataSet(model, given, validationData, InputCostShape.ValidationSource)
        : ForDataSet(model, given, calibrationData, InputCostShape.CalibrationSource);

    /// <summary>With the data set in <paramref name="data"/> (null for none), whose shapes are labelled <paramref name="source"/>.</summary>
    public static IReadOnlyList<InputCostShape> ForDataSet(OnnxModel model, IReadOnlyDictionary<string, int[]>? given, string? data, string source)
    {
        given ??= new Dictionary<string, int[]>();
        var initializers = model.Graph.Initializer.Select(i => i.Name).ToHashSet(StringComparer.Ordinal);
        var inputs = model.Graph.Input.Where(i => !initializers.Contains(i.Name)).ToList();
        foreach (var name in given.Keys.Where(n => inputs.All(i => i.Name != n)))
            throw new CompressionException(EngineErrorCodes.UnknownInput,
                $"the model has no input '{name}'; its inputs are {string.Join(", ", inputs.Select(i => i.Name))}.", model.SourcePath);

        var fromData = data is null ? new Dictionary<string, long[]>() : Medians(data, inputs);
        var result = new List<InputCostShape>();
        foreach (var input in inputs)
        {
            var declared = ShapeInference.FromType(input.Type)?.Shape;
            if (given.TryGetValue(input.Name, out var dims))
                result.Add(new InputCostShape(input.Name, dims.Select(d => (long)d).ToArray(), InputCostShape.GivenSource));
            else if (declared is null || declared.All(d => d.IsKnown))
                continue; // unranked (nothing to default) or static (nothing to choose)
            else if (fromData.TryGetValue(input.Name, out var median) && median.Length == declared.Length)
                result.Add(new InputCostShape(input.Name, median, source));
            else
                result.Add(new InputCostShape(input.Name,
                    declared.Select((d, i) => d.IsKnown ? d.Value : i == 0 && declared.Length > 1 ? 1 : InputCostShape.DefaultDim).ToArray(),
                    InputCostShape.DefaultSource));
        }
        return result;
    }

    /// <summary>Per input, per dimension, the lower median over the data set's first samples; empty when it cannot be read.</summary>
    private static Dictionary<string, long[]> Medians(string folder, IReadOnlyList<ValueInfoProto> inputs)
    {
        var shapes = new Dictionary<string, List<int[]>>(StringComparer.Ordinal);
        try
        {
            foreach (var sample in DataSet.SampleFolders(folder).Take(MaxSamples))
                foreach (var (name, tensor) in InputFiles.Load(sample, inputs))
                {
                    if (!shapes.TryGetValue(name, out var list)) shapes[name] = list = [];
                    list.Add(tensor.Shape.ToArray());
                }
        }
        catch (CompressionException)
        {
            // A data set the engine cannot read as tensors fails where it is used; the costs fall back to the default.
            return [];
        }
        var medians = new Dictionary<string, long[]>(StringComparer.Ordinal);
        foreach (var (name, list) in shapes)
        {
            var rank = list[0].Length;
            if (list.Any(s => s.Length != rank)) continue;
            medians[name] = Enumerable.Range(0, rank).Select(d => (long)list.Select(s => s[d]).Order().ElementAt((list.Count - 1) / 2)).ToArray();
        }
        return medians;
    }
}

using Compression.Evaluation.Inference;
using Compression.Onnx.Diagnostics;
using Compression.Onnx.Graph;
using Compression.Onnx.Model;
using Compression.Onnx.Summary;

namespace Compression.Engine.Reporting;

/// <summary>
/// The model summary with the executor's shape inference behind it, so MACs are counted for every Conv/Gemm/MatMul
/// whose shapes follow from the inputs. Inputs with dynamic dimensions (an OCR model's height and width) can be given
/// concrete shapes, as a calibration sample or <c>modelc inspect --input-shape</c> does.
/// </summary>
internal static class ModelInspection
{
    public static ModelSummary Summarize(OnnxModel model, IReadOnlyDictionary<string, int[]>? inputShapes = null)
    {
        var index = new ModelIndex(model.Proto);
        var overrides = new Dictionary<string, ValueInfo>(StringComparer.Ordinal);
        foreach (var (name, dims) in inputShapes ?? new Dictionary<string, int[]>())
        {
            var input = model.Graph.Input.FirstOrDefault(i => i.Name == name)
                ?? throw new CompressionException(EngineErrorCodes.UnknownInput,
                    $"the model has no input '{name}'; its inputs are {string.Join(", ", model.Graph.Input.Select(i => i.Name))}.", model.SourcePath);
            var declared = ShapeInference.FromType(input.Type);
            overrides[name] = new ValueInfo(declared?.ElementType ?? default, dims.Select(d => (Dim)d).ToArray());
        }

        IReadOnlyDictionary<string, ValueInfo> inferred;
        try
        {
            inferred = ShapeInference.Infer(index, inputOverrides: overrides);
        }
        catch (CompressionException)
        {
            // A node whose shape rule rejects its inputs leaves the summary with declared shapes only.
            inferred = new Dictionary<string, ValueInfo>();
        }
        return ModelSummarizer.Summarize(index, name => inferred.TryGetValue(name, out var info) ? Concrete(info) : null);
    }

    /// <summary>The inferred shape under the cost rule (<see cref="CostShape"/>: a symbolic batch counts as 1).</summary>
    private static long[]? Concrete(ValueInfo info) =>
        info.Shape is { } shape ? CostShape.Of(shape.Length, i => shape[i].IsKnown ? shape[i].Value : null) : null;
}

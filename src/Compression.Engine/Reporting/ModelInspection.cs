using Compression.Evaluation.Inference;
using Compression.Onnx.Diagnostics;
using Compression.Onnx.Graph;
using Compression.Onnx.Model;
using Compression.Onnx.Summary;

namespace Compression.Engine.Reporting;

/// <summary>
/// The model summary with the executor's shape inference behind it, so MACs are counted for every Conv/Gemm/MatMul
/// whose shapes follow from the inputs. Inputs with dynamic dimensions (an OCR model's height and width, a text
/// encoder's sequence length) get representative shapes (<see cref="RepresentativeShapes"/>: given, from the data set,
/// or the declared default), and the summary says which and from where.
/// </summary>
internal static class ModelInspection
{
    public static ModelSummary Summarize(OnnxModel model, IReadOnlyDictionary<string, int[]>? inputShapes = null) =>
        Summarize(model, RepresentativeShapes.Resolve(model, inputShapes));

    public static ModelSummary Summarize(OnnxModel model, IReadOnlyList<InputCostShape> costShapes)
    {
        var index = new ModelIndex(model.Proto);
        var overrides = InputOverrides(model, costShapes);

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
        return ModelSummarizer.Summarize(index, name => inferred.TryGetValue(name, out var info) ? Concrete(info) : null)
            with { CostShapes = costShapes, ActivationBytes = ActivationBytes(index, inferred) };
    }

    /// <summary>
    /// Bytes of every computed tensor of the main graph with a known shape, each written once: the activation side of
    /// the bytes an inference moves (values inference could fold, such as shape chains, are not computed at run time).
    /// </summary>
    private static long ActivationBytes(ModelIndex index, IReadOnlyDictionary<string, ValueInfo> inferred)
    {
        long bytes = 0;
        foreach (var node in index.Main.TopologicalOrder.Where(n => n.OpType != "Constant"))
            foreach (var output in node.Output)
                if (output.Length > 0 && inferred.TryGetValue(output, out var info) && info.Constant is null
                    && info.ElementType != Compression.Onnx.Protobuf.TensorProto.Types.DataType.Undefined && Concrete(info) is { } dims)
                    bytes += Compression.Onnx.Tensors.ElementTypes.RawByteCount(info.ElementType, dims.Aggregate(1L, (a, d) => a * d));
        return bytes;
    }

    /// <summary>The cost shapes as shape inference's input overrides (element types as declared).</summary>
    public static Dictionary<string, ValueInfo> InputOverrides(OnnxModel model, IReadOnlyList<InputCostShape> costShapes)
    {
        var overrides = new Dictionary<string, ValueInfo>(StringComparer.Ordinal);
        foreach (var shape in costShapes)
        {
            var input = model.Graph.Input.First(i => i.Name == shape.Name);
            var declared = ShapeInference.FromType(input.Type);
            overrides[shape.Name] = new ValueInfo(declared?.ElementType ?? default, shape.Dims.Select(d => (Dim)d).ToArray());
        }
        return overrides;
    }

    /// <summary>The inferred shape under the cost rule (<see cref="CostShape"/>: a symbolic batch counts as 1).</summary>
    private static long[]? Concrete(ValueInfo info) =>
        info.Shape is { } shape ? CostShape.Of(shape.Length, i => shape[i].IsKnown ? shape[i].Value : null) : null;
}

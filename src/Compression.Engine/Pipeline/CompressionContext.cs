using Compression.Engine.Recipes;
using Compression.Evaluation.Inference;
using Compression.Onnx.Diagnostics;
using Compression.Onnx.Graph;
using Compression.Onnx.Model;
using Compression.Onnx.Protobuf;
using DataType = Compression.Onnx.Protobuf.TensorProto.Types.DataType;

namespace Compression.Engine.Pipeline;

/// <summary>What the passes share: the model being changed, the untouched original, and the recipe.</summary>
internal sealed class CompressionContext
{
    public CompressionContext(OnnxModel original, Recipe recipe)
    {
        Original = original;
        Recipe = recipe;
        Model = original.Proto.Clone();
    }

    /// <summary>The model as loaded; passes compare against it and never change it.</summary>
    public OnnxModel Original { get; }

    /// <summary>The working copy the passes change.</summary>
    public ModelProto Model { get; }

    /// <summary>The recipe being carried out: the plan's, after its fallbacks.</summary>
    public Recipe Recipe { get; }

    /// <summary>The item's calibration data set folder (docs/calibration.md layout), or null when it has none.</summary>
    public string? CalibrationData { get; init; }

    /// <summary>Threads the executor may use for calibration; results do not depend on it.</summary>
    public int Threads { get; init; } = Environment.ProcessorCount;

    /// <summary>
    /// Whether static int8 may measure its plan and keep the most sensitive nodes float (and smooth activations) when
    /// the plan is broken. Off only where one technique is measured on its own (a comparison of preprocessing), so the
    /// comparison sees every node quantized.
    /// </summary>
    internal bool MeasuredFallback { get; init; } = true;

    /// <summary>
    /// The float model a pass quantized, when it first rewrote the float graph (opset conversion, folding, equalization
    /// change intermediate values): per-layer sensitivity compares against it, value for value. Null: the original.
    /// </summary>
    public ModelProto? FloatReference { get; set; }

    /// <summary>
    /// The teacher of layer-wise distillation: the working model as it was before the plan's first technique (after
    /// opset conversion and folding, which keep the original's function). Kept only when the plan distills.
    /// </summary>
    public ModelProto? Teacher { get; set; }

    /// <summary>
    /// Per value a structured pass shrank, the channels of the model before it (so the teacher's: the teacher is taken
    /// before the first technique) that the value keeps, in order; the channel axis is 1 for a Conv's feature map and
    /// the last for a MatMul's or Gemm's output. Layer-wise distillation reads them to fit a shrunk layer to the
    /// teacher's output at the channels the layer kept.
    /// </summary>
    public IReadOnlyDictionary<string, int[]> KeptChannels => _keptChannels;

    private readonly Dictionary<string, int[]> _keptChannels = new(StringComparer.Ordinal);

    /// <summary>Records what one structured removal kept, composed with what an earlier one kept of the same value.</summary>
    public void RecordKeptChannels(IReadOnlyDictionary<string, int[]> kept)
    {
        foreach (var (value, channels) in kept)
            _keptChannels[value] = _keptChannels.TryGetValue(value, out var earlier) ? channels.Select(c => earlier[c]).ToArray() : channels;
    }

    /// <summary>The warnings of the plan's fallbacks and those the passes raised, in order.</summary>
    public List<EngineWarning> Warnings { get; } = [];

    public void Warn(string code, string message) => Warnings.Add(new EngineWarning(code, message));

    /// <summary>The opset of the default domain (operators' versions), 1 when the model imports none.</summary>
    public long DefaultOpset => Model.OpsetImport.Where(o => o.Domain is "" or "ai.onnx").Select(o => o.Version).DefaultIfEmpty(1).Max();

    /// <summary>
    /// The element type of every value the model declares or the executor's shape inference can type. Values neither
    /// declares nor infers (an operator without a kernel) are absent: a pass treats them as unknown, never as float.
    /// </summary>
    public static IReadOnlyDictionary<string, DataType> InferredTypes(ModelIndex index)
    {
        var types = new Dictionary<string, DataType>(StringComparer.Ordinal);
        foreach (var graph in index.AllGraphs)
        {
            foreach (var vi in graph.Graph.Input.Concat(graph.Graph.Output).Concat(graph.Graph.ValueInfo))
                if (vi.Type?.TensorType is { } t) types[vi.Name] = (DataType)t.ElemType;
            foreach (var init in graph.Graph.Initializer) types[init.Name] = (DataType)init.DataType;
        }
        try
        {
            foreach (var (name, info) in ShapeInference.Infer(index))
                if (info.ElementType != DataType.Undefined) types[name] = info.ElementType;
        }
        catch (CompressionException)
        {
            // A node inference cannot follow leaves the declared types as the only source.
        }
        return types;
    }

    /// <summary>Whether a node is kept at full precision by the recipe's Exclude list (node names and operator types).</summary>
    public bool IsExcluded(NodeProto node) =>
        Recipe.Exclude.Contains(node.Name, StringComparer.Ordinal) || Recipe.Exclude.Contains(node.OpType, StringComparer.Ordinal);
}

using Compression.Onnx.Editing;
using Compression.Onnx.Graph;
using Compression.Onnx.Protobuf;
using DataType = Compression.Onnx.Protobuf.TensorProto.Types.DataType;

namespace Compression.Engine.Quantization.Static;

/// <summary>
/// Which nodes of the main graph static int8 quantizes and which values get a QuantizeLinear/DequantizeLinear pair,
/// in the QDQ form runtimes fuse into integer kernels (ONNX Runtime: QLinearConv, QLinearMatMul, QGemm, QLinearAdd,
/// int8 MaxPool and data movement):
/// <list type="bullet">
/// <item>compute nodes — Conv, Gemm and MatMul with a constant float weight (not ConvTranspose: see IsComputeNode) — get their activation input
/// and output quantized, the weight per channel (int8, symmetric) and the bias as int32;</item>
/// <item>a Relu (or Clip from 0) that alone reads a compute node's output is absorbed when activations are uint8: the
/// output is quantized with the activation's own range, whose zero point is 0, so quantization itself clamps at 0
/// (and at the top of the range) — the runtime then runs one fused integer node;</item>
/// <item>data-movement nodes (MaxPool, Reshape, Transpose, Flatten, Squeeze, Unsqueeze) reading a quantized value pass
/// its parameters on to their output, since they move values without changing them;</item>
/// <item>Add of two activations joins when one of its inputs is already quantized (residual connections).</item>
/// </list>
/// Subgraphs stay float. Values are calibrated unless their parameters come from another value (<see cref="SameAs"/>).
/// </summary>
internal sealed class QdqPlan
{
    private static readonly HashSet<string> DataMovement = new(StringComparer.Ordinal) { "MaxPool", "Reshape", "Transpose", "Flatten", "Squeeze", "Unsqueeze" };

    private QdqPlan(IReadOnlyList<NodeProto> compute, IReadOnlyList<NodeProto> adds, IReadOnlyList<string> quantized,
        IReadOnlyDictionary<string, string> sameAs, IReadOnlyDictionary<NodeProto, string> absorbed)
    {
        ComputeNodes = compute;
        AddNodes = adds;
        QuantizedValues = quantized;
        SameAs = sameAs;
        AbsorbedActivations = absorbed;
    }

    /// <summary>Conv, ConvTranspose, Gemm and MatMul nodes whose weights become int8.</summary>
    public IReadOnlyList<NodeProto> ComputeNodes { get; }

    /// <summary>Add nodes run on quantized inputs.</summary>
    public IReadOnlyList<NodeProto> AddNodes { get; }

    /// <summary>Every value that gets a QuantizeLinear/DequantizeLinear pair, in graph order.</summary>
    public IReadOnlyList<string> QuantizedValues { get; }

    /// <summary>Values that take their parameters from another (data movement keeps its input's parameters).</summary>
    public IReadOnlyDictionary<string, string> SameAs { get; }

    /// <summary>Relu/Clip nodes removed, with the value (their output) the producer's output is quantized as.</summary>
    public IReadOnlyDictionary<NodeProto, string> AbsorbedActivations { get; }

    /// <summary>The values whose ranges calibration must measure.</summary>
    public IEnumerable<string> CalibratedValues => QuantizedValues.Where(v => !SameAs.ContainsKey(v));

    /// <param name="alwaysJoins">Adds that join even when neither input is quantized (to measure one Add on its own); by default none.</param>
    public static QdqPlan Build(ModelIndex model, IReadOnlyDictionary<string, DataType> types, Func<NodeProto, bool> excluded, bool unsignedActivations,
        Func<NodeProto, bool>? alwaysJoins = null)
    {
        var graph = model.Main;
        var quantized = new List<string>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var sameAs = new Dictionary<string, string>(StringComparer.Ordinal);
        // By reference: protobuf messages compare by value, and two identical Relu nodes are still two nodes.
        var absorbed = new Dictionary<NodeProto, string>(ReferenceEqualityComparer.Instance);
        var compute = new List<NodeProto>();
        var adds = new List<NodeProto>();
        var graphOutputs = graph.Graph.Output.Select(o => o.Name).ToHashSet(StringComparer.Ordinal);
        bool IsFloat(string value) => types.TryGetValue(value, out var t) && t == DataType.Float;
        bool IsConstant(string value) => ConstantWeights.Find(graph, value) is not null;
        void Quantize(string value)
        {
            if (seen.Add(value)) quantized.Add(value);
        }

        foreach (var node in graph.TopologicalOrder)
        {
            if (node.Domain is not ("" or "ai.onnx") || excluded(node)) continue;
            if (IsComputeNode(graph, node, IsFloat, unsignedActivations))
            {
                compute.Add(node);
                Quantize(node.Input[0]);
                var output = node.Output[0];
                var consumers = graph.ConsumersOf(output);
                if (unsignedActivations && consumers.Count == 1 && !graphOutputs.Contains(output) && IsAbsorbable(graph, consumers[0]) && !excluded(consumers[0]))
                {
                    absorbed[consumers[0]] = consumers[0].Output[0];
                    Quantize(consumers[0].Output[0]);
                }
                else
                {
                    Quantize(output);
                }
            }
            else if (node.OpType == "Add" && node.Input.Count == 2 && node.Input.All(IsFloat) && !node.Input.Any(IsConstant)
                     && (node.Input.Any(seen.Contains) || alwaysJoins?.Invoke(node) == true))
            {
                adds.Add(node);
                foreach (var input in node.Input) Quantize(input);
                var output = node.Output[0];
                var consumers = graph.ConsumersOf(output);
                if (unsignedActivations && consumers.Count == 1 && !graphOutputs.Contains(output) && IsAbsorbable(graph, consumers[0]) && !excluded(consumers[0]))
                {
                    absorbed[consumers[0]] = consumers[0].Output[0];
                    Quantize(consumers[0].Output[0]);
                }
                else
                {
                    Quantize(output);
                }
            }
            else if (DataMovement.Contains(node.OpType) && node.Input.Count > 0 && seen.Contains(node.Input[0]) && IsFloat(node.Output[0])
                     && (node.OpType != "MaxPool" || node.Output.Count == 1 || node.Output[1].Length == 0))
            {
                var source = sameAs.GetValueOrDefault(node.Input[0], node.Input[0]);
                sameAs[node.Output[0]] = source;
                Quantize(node.Output[0]);
            }
        }
        return new QdqPlan(compute, adds, quantized, sameAs, absorbed);
    }

    /// <summary>A Conv/ConvTranspose/Gemm/MatMul with a float activation and a constant float weight of a supported form.</summary>
    private static bool IsComputeNode(GraphIndex graph, NodeProto node, Func<string, bool> isFloat, bool unsignedActivations)
    {
        if (!WeightChannelAxis.IsQuantizable(node) || !isFloat(node.Input[0]) || !isFloat(node.Output[0])) return false;
        var weight = ConstantWeights.Find(graph, node.Input[1]);
        if (weight is null || weight.Tensor.DataType != (int)DataType.Float) return false;
        var rank = weight.Tensor.Dims.Count;
        if (WeightChannelAxis.Of(node, rank) is null) return false;
        switch (node.OpType)
        {
            case "MatMul":
                return rank == 2;
            case "Gemm":
                // An int32 bias has scale = input scale × weight scale: only a bias added as it is (beta 1) keeps that.
                var beta = node.GetFloat("beta", 1f);
                return node.Input.Count < 3 || node.Input[2].Length == 0 || (beta == 1f && ConstantWeights.Find(graph, node.Input[2]) is not null);
            case "ConvTranspose":
                // ONNX Runtime's CPU provider has no integer ConvTranspose to fuse a QDQ ConvTranspose into, so it would
                // run dequantized float with extra conversions: it stays float (its input and output may still be
                // quantized for the nodes around it).
                return false;
            default:
                // ONNX Runtime's CPU provider fuses a grouped (depthwise) QDQ Conv into QLinearConv only with uint8
                // activations; with int8 ones it would run float on dequantized weights, so it stays float.
                if (!unsignedActivations && node.GetInt("group", 1) > 1) return false;
                return HasConstantBiasOrNone(graph, node);
        }
    }

    private static bool HasConstantBiasOrNone(GraphIndex graph, NodeProto node) =>
        node.Input.Count < 3 || node.Input[2].Length == 0 || ConstantWeights.Find(graph, node.Input[2]) is not null;

    /// <summary>Relu, or Clip whose lower bound is exactly 0 (a constant input at opset 11+).</summary>
    private static bool IsAbsorbable(GraphIndex graph, NodeProto node)
    {
        if (node.Domain is not ("" or "ai.onnx")) return false;
        if (node.OpType == "Relu") return true;
        if (node.OpType != "Clip" || node.Input.Count < 2 || node.Input[1].Length == 0) return false;
        var min = ConstantWeights.Find(graph, node.Input[1]);
        return min is not null && min.Tensor.DataType == (int)DataType.Float
            && Compression.Onnx.Tensors.TensorData.Read<float>(min.Tensor) is [0f];
    }
}

using Compression.Engine.Pipeline;
using Compression.Engine.Recipes;
using Compression.Onnx.Editing;
using Compression.Onnx.Graph;
using Compression.Onnx.Protobuf;
using Compression.Onnx.Tensors;
using DataType = Compression.Onnx.Protobuf.TensorProto.Types.DataType;

namespace Compression.Engine.Distillation;

/// <summary>
/// The layers of the student the fit visits, in topological order: 2-D Conv (any group), MatMul with a 2-D weight and
/// Gemm (no transA, alpha and beta 1) of the main graph, not excluded, whose weight is in a form the fit can hold
/// (<see cref="WeightForm"/>): a float constant that differs from the teacher's (pruned, refit, factored), an integer
/// constant through DequantizeLinear, a codebook read through Gather, or dynamic int8's integer product
/// (<see cref="IntegerProduct"/>). A float weight equal to the teacher's was not
/// compressed and is left as it is; a weight another node also reads is left too (a fit for one reader would change
/// the other).
/// </summary>
internal static partial class LayerFinder
{
    /// <summary>SparseGPT's block: unstructured masks are chosen again 128 columns at a time.</summary>
    public const int UnstructuredWindow = 128;

    public static IReadOnlyList<DistilledLayer> Find(CompressionContext context, ModelProto teacher)
    {
        var index = new ModelIndex(context.Model);
        var main = index.Main;
        var teacherIndex = new ModelIndex(teacher).Main;
        var teacherNodes = teacherIndex.Graph.Node.Where(n => n.Name.Length > 0).GroupBy(n => n.Name, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => g.First(), StringComparer.Ordinal);
        var pruned = context.Recipe.Pruning is PruningSpec.Unstructured or PruningSpec.NOfM;
        var qmax = context.Recipe.ReduceRange ? 64 : 127;
        var layers = new List<DistilledLayer>();
        foreach (var node in main.TopologicalOrder)
        {
            if (node.Domain is not ("" or "ai.onnx") || context.IsExcluded(node) || node.Input.Count < 2) continue;
            if (node.OpType is "ConvInteger" or "MatMulInteger")
            {
                if (IntegerProduct(main, teacherIndex, node, qmax, context.KeptChannels) is { } integer) layers.Add(integer);
                continue;
            }
            if (node.OpType is not ("Conv" or "MatMul" or "Gemm")) continue;
            if (node.OpType == "Gemm" && (node.GetInt("transA", 0) != 0 || node.GetFloat("alpha", 1) != 1 || node.GetFloat("beta", 1) != 1)) continue;
            if (main.ConsumersOf(node.Input[1]).Count != 1) continue;
            if (Form(main, teacherIndex, node.Input[1], pruned, qmax, context.Recipe) is not { } found) continue;
            var (form, dims) = found;
            ProductLayout layout;
            if (node.OpType == "Conv")
            {
                if (dims.Length != 4) continue;
                var groups = (int)node.GetInt("group", 1);
                if (groups < 1 || dims[0] % groups != 0) continue;
                layout = ProductLayout.Conv(dims, groups);
            }
            else
            {
                if (dims.Length != 2) continue;
                layout = node.OpType == "Gemm" && node.GetInt("transB", 0) == 1 ? ProductLayout.NByK(dims) : ProductLayout.KByN(dims);
            }
            var (output, bias) = Bias(main, node, layout.Rows);
            if (output is null) continue;
            var same = teacherNodes.GetValueOrDefault(node.Name) is { } n && n.OpType == node.OpType ? n : null;
            if (TeacherName(main, teacherIndex, node, same, output) is not { } target) continue;
            var keptOut = context.KeptChannels.GetValueOrDefault(target);
            layers.Add(new DistilledLayer(node, node.Input[0], output, layout, form, bias)
            {
                WeightDims = dims,
                Target = target,
                TargetChannels = keptOut,
                TeacherWeights = TeacherWeights(teacherIndex, node, same, dims, keptOut,
                    same is null ? null : context.KeptChannels.GetValueOrDefault(same.Input[0])),
                MaskWindow = context.Recipe.Pruning switch
                {
                    PruningSpec.NOfM nm => nm.M,
                    PruningSpec.Unstructured => UnstructuredWindow,
                    _ => null,
                },
                MaskAcrossRows = context.Recipe.Pruning is PruningSpec.Unstructured,
            });
        }
        return layers;
    }

    /// <summary>
    /// The teacher's value the student's <paramref name="output"/> stands for: the output of the teacher's node of the
    /// same name and operator (static int8 renames a quantized output, and folds a Relu after it into the range, so
    /// only the node says which teacher value is its product); else the same value name, or the name a QuantizeLinear
    /// → DequantizeLinear pair carries on; null when the teacher has none of them.
    /// </summary>
    private static string? TeacherName(GraphIndex student, GraphIndex teacher, NodeProto node, NodeProto? same, string output)
    {
        if (output == node.Output[0] && same is not null) return same.Output[0];
        if (Computed(teacher, output)) return output;
        if (student.ConsumersOf(output) is [{ OpType: "QuantizeLinear" } q] && student.ConsumersOf(q.Output[0]) is [{ OpType: "DequantizeLinear" } dq]
            && Computed(teacher, dq.Output[0])) return dq.Output[0];
        return null;
    }

    /// <summary>
    /// The float weight of the teacher's node of the same name and operator, cut to the output and input channels a
    /// structured pass kept (<paramref name="keptOut"/>, <paramref name="keptIn"/>), when it then has the student's dims.
    /// A grouped Conv loses whole groups, so its per-group input axis is not cut.
    /// </summary>
    private static float[]? TeacherWeights(GraphIndex teacher, NodeProto node, NodeProto? same, long[] dims, int[]? keptOut, int[]? keptIn)
    {
        if (same is null) return null;
        if (same.OpType == "Gemm" && same.GetInt("transB", 0) != node.GetInt("transB", 0)) return null;
        if (ConstantWeights.Find(teacher, same.Input[1]) is not { } weight || weight.Tensor.DataType != (int)DataType.Float) return null;
        var teacherDims = weight.Tensor.Dims.ToArray();
        var values = TensorData.Read<float>(weight.Tensor);
        var (outAxis, inAxis) = node.OpType switch
        {
            "Conv" => (0, same.GetInt("group", 1) == 1 ? 1 : -1),
            "Gemm" when node.GetInt("transB", 0) == 1 => (0, 1),
            _ => (1, 0),
        };
        if (keptOut is not null && keptOut.Max() < teacherDims[outAxis]) values = Pruning.Structured.ChannelSlicing.Slice(values, teacherDims, outAxis, keptOut);
        if (keptIn is not null && inAxis >= 0 && keptIn.Max() < teacherDims[inAxis]) values = Pruning.Structured.ChannelSlicing.Slice(values, teacherDims, inAxis, keptIn);
        return teacherDims.SequenceEqual(dims) ? values : null;
    }

    private static bool Computed(GraphIndex graph, string value) => graph.ProducerOf(value) is not null;

    /// <summary>
    /// The value the layer is fit to and its bias: Conv/Gemm input 2 (float, or int32 through DequantizeLinear), or the
    /// float constant a MatMul's only reader adds. Null output: a bias the fit cannot read, so the layer is left alone.
    /// </summary>
    private static (string? Output, LayerBias? Bias) Bias(GraphIndex graph, NodeProto node, int rows)
    {
        if (node.OpType != "MatMul")
        {
            if (node.Input.Count < 3 || node.Input[2].Length == 0) return (node.Output[0], null);
            if (graph.ConsumersOf(node.Input[2]).Count != 1) return (null, null);
            if (ConstantWeights.Find(graph, node.Input[2]) is { } constant)
                return FloatVector(constant, rows) ? (node.Output[0], new LayerBias(constant.Tensor, null)) : (null, null);
            if (graph.ProducerOf(node.Input[2]) is { OpType: "DequantizeLinear" } dq && ConstantWeights.Find(graph, dq.Input[0]) is { } q
                && q.Tensor.DataType == (int)DataType.Int32 && q.Tensor.Dims.Count == 1 && q.Tensor.Dims[0] == rows
                && (dq.Input.Count < 3 || dq.Input[2].Length == 0) && ConstantWeights.Find(graph, dq.Input[1]) is { } scale)
                return (node.Output[0], new LayerBias(q.Tensor, TensorData.ReadAsFloat(scale.Tensor)));
            return (null, null);
        }
        var readers = graph.ConsumersOf(node.Output[0]);
        if (readers is [{ OpType: "Add" } add] && add.Input.Count == 2)
        {
            var other = add.Input[0] == node.Output[0] ? add.Input[1] : add.Input[0];
            var constant = ConstantWeights.Find(graph, other);
            if (FloatVector(constant, rows) && graph.ConsumersOf(other).Count == 1) return (add.Output[0], new LayerBias(constant!.Tensor, null));
        }
        return (node.Output[0], null);
    }

    private static bool FloatVector(ConstantWeight? weight, int rows) =>
        weight is not null && weight.Tensor.DataType == (int)DataType.Float && weight.Tensor.Dims.Count == 1 && weight.Tensor.Dims[0] == rows;

    private static (WeightForm Form, long[] Dims)? Form(GraphIndex graph, GraphIndex teacher, string value, bool pruned, int qmax, Recipe recipe)
    {
        if (ConstantWeights.Find(graph, value) is { } constant)
        {
            if (constant.Tensor.DataType != (int)DataType.Float) return null;
            // Unchanged since the teacher: not compressed, nothing to hold or recover.
            if (ConstantWeights.Find(teacher, value) is { } before && before.Tensor.Equals(constant.Tensor)) return null;
            return (new FloatWeightForm(constant.Tensor), constant.Tensor.Dims.ToArray());
        }
        var producer = graph.ProducerOf(value);
        if (producer is null || producer.Domain is not ("" or "ai.onnx")) return null;
        if (producer.OpType == "DequantizeLinear") return Dequantized(graph, producer, qmax);
        if (producer.OpType == "Gather") return Shared(graph, producer, pruned);
        if (producer.OpType == "Mul") return Scaled(graph, producer, qmax);
        return null;
    }

    /// <summary>Mul(Cast(int8 constant), scale constant): int8 weights before opset 13, scales broadcast numpy-style.</summary>
    private static (WeightForm, long[])? Scaled(GraphIndex graph, NodeProto mul, int qmax)
    {
        if (graph.ProducerOf(mul.Input[0]) is not { OpType: "Cast" } cast || ConstantWeights.Find(graph, cast.Input[0]) is not { } q
            || q.Tensor.DataType != (int)DataType.Int8 || ScaleConstant(graph, mul.Input[1]) is not { } scale) return null;
        var dims = q.Tensor.Dims.ToArray();
        var scaleDims = scale.Dims.ToArray();
        if (scaleDims.Length > dims.Length) return null;
        var scales = TensorData.ReadAsFloat(scale);
        var count = checked((int)dims.Aggregate(1L, (a, d) => a * d));
        var scaleOf = new float[count];
        var offset = dims.Length - scaleDims.Length;
        for (var i = 0; i < count; i++)
        {
            long rest = i, at = 0, stride = 1;
            for (var d = dims.Length - 1; d >= 0; d--)
            {
                var coordinate = rest % dims[d];
                rest /= dims[d];
                if (d < offset) continue;
                var size = scaleDims[d - offset];
                if (size != 1 && size != dims[d]) return null;
                if (size != 1) at += coordinate * stride;
                stride *= size;
            }
            scaleOf[i] = scales[at];
        }
        return (new GridWeightForm(q.Tensor, scaleOf, new int[count], -qmax, qmax), dims);
    }

    private static (WeightForm, long[])? Dequantized(GraphIndex graph, NodeProto dq, int qmax)
    {
        if (ConstantWeights.Find(graph, dq.Input[0]) is not { } q) return null;
        var type = (DataType)q.Tensor.DataType;
        if (type is not (DataType.Int8 or DataType.Uint8 or DataType.Int4 or DataType.Uint4)) return null;
        var scaleTensor = ScaleConstant(graph, dq.Input[1]);
        if (scaleTensor is null) return null;
        var dims = q.Tensor.Dims.ToArray();
        var scales = TensorData.ReadAsFloat(scaleTensor);
        int[]? zeros = null;
        if (dq.Input.Count > 2 && dq.Input[2].Length > 0)
        {
            if (ConstantWeights.Find(graph, dq.Input[2]) is not { } zp) return null;
            zeros = TensorData.ReadAsFloat(zp.Tensor).Select(v => (int)v).ToArray();
        }
        var axis = (int)dq.GetInt("axis", 1);
        if (axis < 0) axis += dims.Length;
        var block = (int)dq.GetInt("block_size", 0);
        var count = checked((int)dims.Aggregate(1L, (a, d) => a * d));
        var scaleOf = new float[count];
        var zeroOf = new int[count];
        var strides = new long[dims.Length];
        for (var d = dims.Length - 1; d >= 0; d--) strides[d] = d == dims.Length - 1 ? 1 : strides[d + 1] * dims[d + 1];
        var scaleDims = scaleTensor.Dims.ToArray();
        for (var i = 0; i < count; i++)
        {
            int at;
            if (scales.Length == 1) at = 0;
            else if (block == 0) at = (int)(i / strides[axis] % dims[axis]);
            else
            {
                // Blocked: the scale tensor has the weight's rank with axis divided into blocks.
                at = 0;
                for (var d = 0; d < dims.Length; d++)
                {
                    var coordinate = i / strides[d] % dims[d];
                    if (d == axis) coordinate /= block;
                    at = (int)((at * scaleDims[d]) + coordinate);
                }
            }
            scaleOf[i] = scales[at];
            zeroOf[i] = zeros is null ? 0 : zeros[zeros.Length == 1 ? 0 : at];
        }
        var (min, max) = type switch
        {
            DataType.Int8 => (-qmax, qmax),
            DataType.Uint8 => (0, 255),
            DataType.Int4 => (-8, 7),
            _ => (0, 15),
        };
        return (new GridWeightForm(q.Tensor, scaleOf, zeroOf, min, max), dims);
    }

    /// <summary>A constant scale, or one widened from float16 by a Cast of a constant.</summary>
    private static TensorProto? ScaleConstant(GraphIndex graph, string value)
    {
        if (ConstantWeights.Find(graph, value) is { } direct) return direct.Tensor;
        return graph.ProducerOf(value) is { OpType: "Cast" } cast && ConstantWeights.Find(graph, cast.Input[0]) is { } half ? half.Tensor : null;
    }

    private static (WeightForm, long[])? Shared(GraphIndex graph, NodeProto gather, bool pruned)
    {
        if (ConstantWeights.Find(graph, gather.Input[0]) is not { } codebook || codebook.Tensor.DataType != (int)DataType.Float) return null;
        var positions = graph.ProducerOf(gather.Input[1]);
        TensorProto? offsets = null;
        if (positions is { OpType: "Add" })
        {
            offsets = ConstantWeights.Find(graph, positions.Input[1])?.Tensor;
            positions = graph.ProducerOf(positions.Input[0]);
        }
        if (positions is not { OpType: "Cast" } cast || ConstantWeights.Find(graph, cast.Input[0]) is not { } indices
            || indices.Tensor.DataType != (int)DataType.Uint8) return null;
        var dims = indices.Tensor.Dims.ToArray();
        var entries = checked((int)codebook.Tensor.Dims.Aggregate(1L, (a, d) => a * d));
        Func<int, int> channelOf = _ => 0;
        var size = entries;
        if (offsets is not null)
        {
            var axis = Array.FindIndex(offsets.Dims.ToArray(), d => d > 1);
            if (axis < 0) return null;
            var inner = dims.Skip(axis + 1).Aggregate(1L, (a, d) => a * d);
            var channels = dims[axis];
            size = (int)(entries / channels);
            channelOf = i => (int)(i / inner % channels);
        }
        return (new SharedWeightForm(indices.Tensor, codebook.Tensor, size, channelOf, pruned), dims);
    }
}

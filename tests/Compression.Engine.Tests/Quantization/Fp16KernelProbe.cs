using Compression.Onnx.Model;
using Compression.Onnx.Protobuf;
using Compression.Onnx.Tensors;
using Compression.Testing;
using Microsoft.ML.OnnxRuntime;
using DataType = Compression.Onnx.Protobuf.TensorProto.Types.DataType;

namespace Compression.Engine.Tests.Quantization;

/// <summary>
/// One tiny model per operator with float16 inputs and outputs, loaded in ONNX Runtime's CPU provider: whether it
/// refuses the model (no fp16 kernel and no fallback), runs the operator through Casts it inserts itself (no fp16
/// kernel; its InsertCastTransformer computes it in float), or runs it natively in fp16.
/// </summary>
internal static class Fp16KernelProbe
{
    public enum Outcome
    {
        Native,
        CastByRuntime,
        Refused,
    }

    /// <summary>An operator case: op type, opset, the node's inputs (fp16 graph inputs "x", "y"; other names are initializers), attributes.</summary>
    public sealed record Case(string Op, long Opset, string[] Inputs, Action<NodeProto>? Attributes = null, int Outputs = 1)
    {
        public override string ToString() => $"{Op}-{Opset}";
    }

    private static readonly long[] Shape = [2, 4, 6, 6];

    public static IReadOnlyList<Case> Cases { get; } = BuildCases();

    private static List<Case> BuildCases()
    {
        var cases = new List<Case>();
        foreach (var op in new[]
                 {
                     "Abs", "Neg", "Relu", "Sigmoid", "Tanh", "Erf", "Exp", "Log", "Sqrt", "Reciprocal", "Floor", "Ceil", "Round", "Sign",
                     "Softplus", "Softsign", "HardSigmoid", "LeakyRelu", "Elu", "Selu", "Sin", "Cos", "Identity", "Softmax",
                     "LogSoftmax", "GlobalAveragePool", "GlobalMaxPool", "Flatten", "Transpose", "ReduceSum",
                 })
            cases.Add(new Case(op, 13, ["x"]));
        foreach (var op in new[] { "Add", "Sub", "Mul", "Div", "Pow", "Max", "Min", "Sum", "Mean", "PRelu", "MatMul" })
            cases.Add(new Case(op, 13, ["x", "y"]));
        foreach (var op in new[] { "ReduceMean", "ReduceMax", "ReduceMin", "ReduceProd", "ReduceL2", "ReduceSumSquare", "ReduceLogSumExp" })
            cases.Add(new Case(op, 13, ["x"], n => n.Attribute.Add(Ints("axes", -1))));
        cases.Add(new Case("MaxPool", 13, ["x"], n => n.Attribute.Add(Ints("kernel_shape", 2, 2))));
        cases.Add(new Case("AveragePool", 13, ["x"], n => n.Attribute.Add(Ints("kernel_shape", 2, 2))));
        cases.Add(new Case("LRN", 13, ["x"], n => n.Attribute.Add(Int("size", 3))));
        cases.Add(new Case("Conv", 13, ["x", "conv_w"]));
        cases.Add(new Case("ConvTranspose", 13, ["x", "convt_w"]));
        cases.Add(new Case("BatchNormalization", 13, ["x", "c4", "c4", "c4", "c4_one"]));
        cases.Add(new Case("InstanceNormalization", 13, ["x", "c4", "c4"]));
        cases.Add(new Case("LayerNormalization", 17, ["x", "c6", "c6"]));
        cases.Add(new Case("Gelu", 20, ["x"]));
        // Each at the first opset that defines it.
        cases.Add(new Case("HardSwish", 14, ["x"]));
        cases.Add(new Case("Mish", 18, ["x"]));
        cases.Add(new Case("Clip", 13, ["x", "lo", "hi"]));
        cases.Add(new Case("Concat", 13, ["x", "y"], n => n.Attribute.Add(Int("axis", 1))));
        cases.Add(new Case("Gather", 13, ["x", "indices"]));
        cases.Add(new Case("Slice", 13, ["x", "starts", "ends"]));
        cases.Add(new Case("Pad", 13, ["x", "pads"]));
        cases.Add(new Case("Expand", 13, ["x", "shape"]));
        cases.Add(new Case("Tile", 13, ["x", "repeats"]));
        cases.Add(new Case("Reshape", 13, ["x", "flat"]));
        cases.Add(new Case("CumSum", 13, ["x", "axis"]));
        cases.Add(new Case("CumSum", 14, ["x", "axis"]));
        cases.Add(new Case("Range", 13, ["lo", "hi", "step"]));
        cases.Add(new Case("Celu", 13, ["x"]));
        cases.Add(new Case("Resize", 13, ["x", "", "scales"]));
        cases.Add(new Case("DepthToSpace", 13, ["x"], n => n.Attribute.Add(Int("blocksize", 2))));
        cases.Add(new Case("SpaceToDepth", 13, ["x"], n => n.Attribute.Add(Int("blocksize", 2))));
        cases.Add(new Case("Where", 13, ["condition", "x", "y"]));
        cases.Add(new Case("Dropout", 13, ["x"]));
        cases.Add(new Case("Split", 13, ["x"], n => n.Attribute.Add(Int("axis", 1)), Outputs: 2));
        cases.Add(new Case("TopK", 13, ["x", "k"], Outputs: 2));
        return cases;
    }

    private static AttributeProto Int(string name, long value) => new() { Name = name, Type = AttributeProto.Types.AttributeType.Int, I = value };

    private static AttributeProto Ints(string name, params long[] values) => new() { Name = name, Type = AttributeProto.Types.AttributeType.Ints, Ints = { values } };

    private static TensorProto Half(string name, long[] dims, float value) =>
        TensorData.Create(name, dims, (ReadOnlySpan<Half>)Enumerable.Repeat((Half)value, (int)dims.Aggregate(1L, (a, d) => a * d)).ToArray());

    private static IEnumerable<TensorProto> Initializers()
    {
        yield return Half("conv_w", [3, 4, 3, 3], 0.1f);
        yield return Half("convt_w", [4, 3, 3, 3], 0.1f);
        yield return Half("c4", [4], 0.5f);
        yield return Half("c4_one", [4], 1f);
        yield return Half("c6", [6], 1f);
        yield return Half("lo", [], -1f);
        yield return Half("hi", [], 1f);
        yield return Half("step", [], 0.25f);
        yield return TensorData.Create("indices", [2], (ReadOnlySpan<long>)[0, 1]);
        yield return TensorData.Create("starts", [1], (ReadOnlySpan<long>)[1]);
        yield return TensorData.Create("ends", [1], (ReadOnlySpan<long>)[2]);
        yield return TensorData.Create("pads", [8], (ReadOnlySpan<long>)[0, 0, 1, 1, 0, 0, 1, 1]);
        yield return TensorData.Create("shape", [4], (ReadOnlySpan<long>)[2, 4, 6, 6]);
        yield return TensorData.Create("repeats", [4], (ReadOnlySpan<long>)[1, 1, 2, 1]);
        yield return TensorData.Create("flat", [2], (ReadOnlySpan<long>)[2, -1]);
        yield return TensorData.Create("axis", [], (ReadOnlySpan<long>)[1]);
        yield return TensorData.Create("k", [1], (ReadOnlySpan<long>)[2]);
        yield return TensorData.Create("scales", [4], (ReadOnlySpan<float>)[1, 1, 2, 2]);
        yield return TensorData.Create("condition", [6], (ReadOnlySpan<bool>)[true, false, true, false, true, false]);
    }

    public static Outcome Probe(Case probe, TempFolder temp)
    {
        var node = TinyModels.Node(probe.Op, probe.Inputs, Enumerable.Range(0, probe.Outputs).Select(o => $"out{o}").ToArray(), "probe");
        probe.Attributes?.Invoke(node);
        var used = probe.Inputs.ToHashSet(StringComparer.Ordinal);
        var graph = new GraphProto { Name = "probe", Node = { node } };
        foreach (var input in new[] { "x", "y" }.Where(used.Contains)) graph.Input.Add(TinyModels.Value(input, DataType.Float16, Shape));
        graph.Initializer.Add(Initializers().Where(t => used.Contains(t.Name)));
        // Element types only, shapes left to ONNX Runtime's inference: TopK's second output is its int64 indices.
        for (var o = 0; o < probe.Outputs; o++)
        {
            var type = probe.Op == "TopK" && o == 1 ? DataType.Int64 : DataType.Float16;
            graph.Output.Add(new ValueInfoProto { Name = $"out{o}", Type = new TypeProto { TensorType = new TypeProto.Types.Tensor { ElemType = (int)type } } });
        }
        var path = temp.Combine($"{probe}.onnx");
        OnnxModel.FromProto(TinyModels.Model(graph, probe.Opset)).Save(path);
        var optimized = temp.Combine($"{probe}.optimized.onnx");
        try
        {
            using var session = InProcessOnnxRuntime.Session(path, optimized);
        }
        // No kernel, or an operator whose schema at this opset does not take float16 at all (ONNX Runtime's checker).
        catch (OnnxRuntimeException e) when (e.Message.Contains("Could not find an implementation", StringComparison.Ordinal)
                                             || e.Message.Contains("Type Error", StringComparison.Ordinal))
        {
            return Outcome.Refused;
        }
        return OnnxModel.Load(optimized).Graph.Node.Any(n => n.OpType == "Cast") ? Outcome.CastByRuntime : Outcome.Native;
    }
}

using Compression.Evaluation.Execution;
using Compression.Evaluation.Inference;
using Compression.Evaluation.Kernels;
using Compression.Evaluation.Tensors;
using Compression.Onnx.Graph;
using Compression.Onnx.Model;
using Compression.Onnx.Protobuf;
using Compression.Testing;
using DataType = Compression.Onnx.Protobuf.TensorProto.Types.DataType;

namespace Compression.Evaluation.Tests.Kernels.ControlFlow;

/// <summary>
/// Builds small models with subgraphs and runs them. The registry is the default one plus stand-ins for Identity and
/// Constant where no family registers them yet (other branches own those), so the control-flow kernels can be tested
/// alone; once the real kernels exist they are used instead.
/// </summary>
internal static class ControlFlowTestModels
{
    public static KernelRegistry Registry { get; } = CreateRegistry();

    private static KernelRegistry CreateRegistry()
    {
        var registry = new KernelRegistry();
        KernelFamilies.RegisterAll(registry);
        foreach (var v in new[] { 1, 13, 14, 16 })
            if (registry.Find("", "Identity", v) is null) registry.Add("Identity", new IdentityStandIn(), v);
        foreach (var v in new[] { 1, 9, 11, 12, 13 })
            if (registry.Find("", "Constant", v) is null) registry.Add("Constant", new ConstantStandIn(), v);
        return registry;
    }

    public static ValueInfoProto Value(string name, DataType type, params long[] dims) => new()
    {
        Name = name,
        Type = new TypeProto
        {
            TensorType = new TypeProto.Types.Tensor
            {
                ElemType = (int)type,
                Shape = new TensorShapeProto { Dim = { dims.Select(d => d < 0
                    ? new TensorShapeProto.Types.Dimension { DimParam = "n" }
                    : new TensorShapeProto.Types.Dimension { DimValue = d }) } },
            },
        },
    };

    /// <summary>A value with an element type and no shape at all.</summary>
    public static ValueInfoProto Unshaped(string name, DataType type) => new()
    {
        Name = name,
        Type = new TypeProto { TensorType = new TypeProto.Types.Tensor { ElemType = (int)type } },
    };

    public static ValueInfoProto Float(string name, params long[] dims) => Value(name, DataType.Float, dims);

    public static AttributeProto GraphAttribute(string name, GraphProto graph) =>
        new() { Name = name, Type = AttributeProto.Types.AttributeType.Graph, G = graph };

    public static AttributeProto Ints(string name, params long[] values) =>
        new() { Name = name, Type = AttributeProto.Types.AttributeType.Ints, Ints = { values } };

    public static AttributeProto Int(string name, long value) =>
        new() { Name = name, Type = AttributeProto.Types.AttributeType.Int, I = value };

    public static NodeProto Node(string op, string[] inputs, string[] outputs, params AttributeProto[] attributes)
    {
        var node = TinyModels.Node(op, inputs, outputs);
        node.Attribute.Add(attributes);
        return node;
    }

    public static OnnxModel Model(GraphProto graph, long opset) => OnnxModel.FromProto(TinyModels.Model(graph, opset));

    public static IReadOnlyDictionary<string, Tensor> Run(OnnxModel model, Dictionary<string, Tensor> inputs, int threads = 1) =>
        new ModelExecutor(model, new ExecutorOptions { Threads = threads }, Registry).Run(inputs);

    public static IReadOnlyDictionary<string, ValueInfo> Infer(OnnxModel model, IReadOnlyDictionary<string, ValueInfo>? overrides = null) =>
        ShapeInference.Infer(new ModelIndex(model.Proto), Registry, overrides);

    public static Tensor Floats(int[] shape, params float[] values) => Tensor.Create(shape, values);

    public static string Dims(ValueInfo info) => info.Shape is null ? "?" : string.Join(",", info.Shape.Select(d => d.ToString()));

    private sealed class IdentityStandIn : IKernel
    {
        public IReadOnlyList<ValueInfo> Infer(InferenceContext context) =>
            [context.Input(0) ?? new ValueInfo(DataType.Undefined, null)];

        public void Execute(KernelContext context) => context.SetOutput(0, context.Input(0));
    }

    private sealed class ConstantStandIn : IKernel
    {
        public IReadOnlyList<ValueInfo> Infer(InferenceContext context) =>
            [ValueInfo.Of(TensorConversion.FromProto(context.Attributes.GetTensor("value")!))];

        public void Execute(KernelContext context) =>
            context.SetOutput(0, TensorConversion.FromProto(context.Attributes.GetTensor("value")
                ?? throw context.Fail("the stand-in Constant takes only 'value'")));
    }
}

using Compression.Evaluation.Execution;
using Compression.Evaluation.Inference;
using Compression.Evaluation.Tensors;
using Compression.Onnx.Protobuf;
using Google.Protobuf;
using AttributeType = Compression.Onnx.Protobuf.AttributeProto.Types.AttributeType;

namespace Compression.Evaluation.Tests.Kernels.TensorOps;

/// <summary>Runs one registered kernel on one node, outside any model: its Execute and its Infer.</summary>
internal static class NodeRunner
{
    public static NodeProto Node(string op, int inputs, int outputs, params AttributeProto[] attributes)
    {
        var node = new NodeProto { OpType = op, Name = op.ToLowerInvariant() };
        for (var i = 0; i < inputs; i++) node.Input.Add($"in{i}");
        for (var i = 0; i < outputs; i++) node.Output.Add($"out{i}");
        node.Attribute.AddRange(attributes);
        return node;
    }

    public static Tensor[] Run(string op, int version, Tensor?[] inputs, params AttributeProto[] attributes) =>
        RunOutputs(op, version, inputs, 1, attributes);

    public static Tensor[] RunOutputs(string op, int version, Tensor?[] inputs, int outputs, params AttributeProto[] attributes) =>
        KernelHarness.Execute(Node(op, inputs.Length, outputs, attributes), version, inputs).Select(t => t!).ToArray();

    /// <summary>Runs the kernel with a thread pool of the given size (results must not depend on it).</summary>
    public static Tensor RunWithThreads(string op, int version, Tensor?[] inputs, int threads, params AttributeProto[] attributes) =>
        KernelHarness.Execute(Node(op, inputs.Length, 1, attributes), version, inputs, threads)[0]!;

    public static IReadOnlyList<ValueInfo> Infer(string op, int version, ValueInfo?[] inputs, params AttributeProto[] attributes) =>
        InferOutputs(op, version, inputs, 1, attributes);

    public static IReadOnlyList<ValueInfo> InferOutputs(string op, int version, ValueInfo?[] inputs, int outputs, params AttributeProto[] attributes) =>
        KernelHarness.Infer(Node(op, inputs.Length, outputs, attributes), version, inputs);

    public static Tensor Floats(int[] shape, params float[] values) => Tensor.Create(shape, values);

    public static Tensor Longs(params long[] values) => Tensor.Create([values.Length], values);

    public static Tensor Iota(params int[] shape) =>
        Tensor.Create(shape, Enumerable.Range(0, ShapeMath.ElementCount(shape)).Select(i => (float)i).ToArray());

    public static AttributeProto Int(string name, long value) => new() { Name = name, Type = AttributeType.Int, I = value };

    public static AttributeProto Float(string name, float value) => new() { Name = name, Type = AttributeType.Float, F = value };

    public static AttributeProto Ints(string name, params long[] values)
    {
        var a = new AttributeProto { Name = name, Type = AttributeType.Ints };
        a.Ints.AddRange(values);
        return a;
    }

    public static AttributeProto Floats(string name, params float[] values)
    {
        var a = new AttributeProto { Name = name, Type = AttributeType.Floats };
        a.Floats.AddRange(values);
        return a;
    }

    public static AttributeProto String(string name, string value) =>
        new() { Name = name, Type = AttributeType.String, S = ByteString.CopyFromUtf8(value) };

    public static AttributeProto TensorAttribute(string name, Tensor value) =>
        new() { Name = name, Type = AttributeType.Tensor, T = TensorConversion.ToProto(value, name) };

    public static Dim[] Dims(params object[] dims) =>
        dims.Select(d => d switch { int i => (Dim)i, long l => (Dim)l, string s => Dim.Named(s), _ => Dim.Unknown }).ToArray();
}

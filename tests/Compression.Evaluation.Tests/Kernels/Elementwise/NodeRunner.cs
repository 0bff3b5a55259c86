using Compression.Evaluation.Execution;
using Compression.Evaluation.Inference;
using Compression.Evaluation.Tensors;
using Compression.Onnx.Protobuf;
using Google.Protobuf;
using AttributeType = Compression.Onnx.Protobuf.AttributeProto.Types.AttributeType;

namespace Compression.Evaluation.Tests.Kernels.Elementwise;

/// <summary>Runs one registered kernel on one node, outside any model, for focused kernel tests.</summary>
internal static class NodeRunner
{
    public static NodeProto Node(string op, int inputCount, params AttributeProto[] attributes)
    {
        var node = new NodeProto { OpType = op, Name = op.ToLowerInvariant() };
        for (var i = 0; i < inputCount; i++) node.Input.Add($"x{i}");
        node.Output.Add("y");
        node.Attribute.AddRange(attributes);
        return node;
    }

    public static Tensor Run(string op, int version, Tensor?[] inputs, params AttributeProto[] attributes) =>
        Run(op, version, 1, inputs, attributes);

    public static Tensor Run(string op, int version, int threads, Tensor?[] inputs, params AttributeProto[] attributes) =>
        KernelHarness.Execute(Node(op, inputs.Length, attributes), version, inputs, threads)[0] ?? throw new InvalidOperationException("no output");

    public static ValueInfo Infer(string op, int version, ValueInfo?[] inputs, params AttributeProto[] attributes) =>
        KernelHarness.Infer(Node(op, inputs.Length, attributes), version, inputs)[0];

    public static AttributeProto Float(string name, float value) =>
        new() { Name = name, Type = AttributeType.Float, F = value };

    public static AttributeProto Int(string name, long value) =>
        new() { Name = name, Type = AttributeType.Int, I = value };

    public static AttributeProto String(string name, string value) =>
        new() { Name = name, Type = AttributeType.String, S = ByteString.CopyFromUtf8(value) };

    public static Tensor T<TE>(int[] shape, params TE[] data) => Tensor.Create(shape, data);

    public static Tensor S<TE>(TE value) => Tensor.Scalar(value);
}

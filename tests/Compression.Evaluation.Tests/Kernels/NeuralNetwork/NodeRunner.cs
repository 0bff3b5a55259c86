using Compression.Evaluation.Execution;
using Compression.Evaluation.Inference;
using Compression.Evaluation.Operators;
using Compression.Evaluation.Tensors;
using Compression.Onnx.Protobuf;
using Google.Protobuf;
using AttributeType = Compression.Onnx.Protobuf.AttributeProto.Types.AttributeType;

namespace Compression.Evaluation.Tests.Kernels.NeuralNetwork;

/// <summary>Runs one node through the default registry at a given opset, outside any model.</summary>
internal static class NodeRunner
{
    public static NodeProto Node(string op, int inputs, int outputs = 1, params (string Name, object Value)[] attributes)
    {
        var node = new NodeProto { OpType = op };
        for (var i = 0; i < inputs; i++) node.Input.Add($"in{i}");
        for (var i = 0; i < outputs; i++) node.Output.Add($"out{i}");
        foreach (var (name, value) in attributes)
        {
            var a = new AttributeProto { Name = name };
            switch (value)
            {
                case int v: a.Type = AttributeType.Int; a.I = v; break;
                case long v: a.Type = AttributeType.Int; a.I = v; break;
                case float v: a.Type = AttributeType.Float; a.F = v; break;
                case string v: a.Type = AttributeType.String; a.S = ByteString.CopyFromUtf8(v); break;
                case long[] v: a.Type = AttributeType.Ints; a.Ints.AddRange(v); break;
                case int[] v: a.Type = AttributeType.Ints; a.Ints.AddRange(v.Select(x => (long)x)); break;
                default: throw new ArgumentException($"attribute {name}: {value.GetType()}");
            }
            node.Attribute.Add(a);
        }
        return node;
    }

    public static Tensor?[] Run(NodeProto node, int opset, Tensor?[] inputs, int threads = 1) =>
        KernelHarness.Execute(node, OperatorVersions.Default.Resolve(node.OpType, opset)!.Value, inputs, threads);

    public static Tensor Run1(NodeProto node, int opset, params Tensor?[] inputs) => Run(node, opset, inputs)[0]!;

    public static IReadOnlyList<ValueInfo> Infer(NodeProto node, int opset, params ValueInfo?[] inputs) =>
        KernelHarness.Infer(node, OperatorVersions.Default.Resolve(node.OpType, opset)!.Value, inputs);

    public static Tensor Random(int seed, params int[] shape)
    {
        var rng = new Random(seed);
        var data = new float[ShapeMath.ElementCount(shape)];
        for (var i = 0; i < data.Length; i++) data[i] = (float)(rng.NextDouble() * 2 - 1);
        return Tensor.Create(shape, data);
    }

    public static Tensor F(int[] shape, params float[] data) => Tensor.Create(shape, data);
}

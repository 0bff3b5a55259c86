using Compression.Evaluation.Inference;
using Compression.Evaluation.Tensors;
using Compression.Onnx.Protobuf;
using Google.Protobuf;
using AttributeType = Compression.Onnx.Protobuf.AttributeProto.Types.AttributeType;

namespace Compression.Evaluation.Tests.Kernels.Recurrent;

/// <summary>
/// Runs one node at an operator version with several outputs and list attributes (activations, activation_alpha), for
/// the recurrent and math kernel tests. A null input becomes an empty (absent) input name.
/// </summary>
internal static class OpRunner
{
    /// <summary>The node as the NeuralNetwork tests build it, plus float-list and string-list attributes.</summary>
    public static NodeProto Node(string op, int inputs, int outputs, params (string Name, object Value)[] attributes)
    {
        var lists = attributes.Where(a => a.Value is float[] or string[]).ToArray();
        var node = NeuralNetwork.NodeRunner.Node(op, inputs, outputs, attributes.Except(lists).ToArray());
        foreach (var (name, value) in lists)
        {
            var a = new AttributeProto { Name = name };
            if (value is float[] floats)
            {
                a.Type = AttributeType.Floats;
                a.Floats.AddRange(floats);
            }
            else
            {
                a.Type = AttributeType.Strings;
                a.Strings.AddRange(((string[])value).Select(ByteString.CopyFromUtf8));
            }
            node.Attribute.Add(a);
        }
        return node;
    }

    public static Tensor[] Run(string op, int version, Tensor?[] inputs, int outputs, params (string, object)[] attributes) =>
        Run(op, version, 1, inputs, outputs, attributes);

    public static Tensor[] Run(string op, int version, int threads, Tensor?[] inputs, int outputs, params (string, object)[] attributes) =>
        KernelHarness.Execute(Node(op, inputs.Length, outputs, attributes), version, inputs, threads)
            .Select(t => t ?? throw new InvalidOperationException("an output is missing")).ToArray();

    public static IReadOnlyList<ValueInfo> Infer(string op, int version, ValueInfo?[] inputs, int outputs, params (string, object)[] attributes) =>
        KernelHarness.Infer(Node(op, inputs.Length, outputs, attributes), version, inputs);

    /// <summary>Deterministic pseudo-random floats in [−1, 1) (a linear congruential sequence, so tests need no RNG state).</summary>
    public static Tensor Random(int seed, params int[] shape)
    {
        var data = new float[ShapeMath.ElementCount(shape)];
        var state = (uint)seed * 2654435761u + 1;
        for (var i = 0; i < data.Length; i++)
        {
            state = state * 1664525u + 1013904223u;
            data[i] = (state >> 8) / (float)(1 << 23) - 1f;
        }
        return Tensor.Create(shape, data);
    }

    /// <summary>Swaps the first two axes of a rank-3 or rank-4 float tensor (sequence-major ↔ batch-major).</summary>
    public static Tensor SwapLeadingAxes(Tensor t)
    {
        var s = t.Shape;
        var inner = ShapeMath.ElementCount(s.AsSpan(2));
        var source = t.ReadOnlySpan<float>();
        var result = new float[t.Length];
        for (var a = 0; a < s[0]; a++)
            for (var b = 0; b < s[1]; b++)
                source.Slice((a * s[1] + b) * inner, inner).CopyTo(result.AsSpan((b * s[0] + a) * inner, inner));
        return Tensor.Create([s[1], s[0], .. s[2..]], result);
    }
}

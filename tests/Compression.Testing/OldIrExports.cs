using Compression.Onnx.Protobuf;
using Xunit;
using static Compression.Testing.TinyModels;

namespace Compression.Testing;

/// <summary>
/// Small Conv+BatchNormalization+Relu+Gemm nets written the way older exporters wrote them, for the acceptance of
/// old-IR models: CNTK 2.x (IR 3, opset 8, initializers not listed as graph inputs, which IR 3 formally asks for),
/// early PyTorch (IR 3, opset 7, every initializer also a typed graph input) and PyTorch with
/// keep_initializers_as_inputs (IR 4, opset 9, the same inputs). Weights are seeded, so each export is the same bytes
/// on every run.
/// </summary>
public static class OldIrExports
{
    /// <summary>One export: a friendly name for theory data, and the model.</summary>
    public sealed record Export(string Name, ModelProto Model)
    {
        public override string ToString() => Name;
    }

    /// <summary>The exports by name, in a fixed order.</summary>
    public static IReadOnlyList<Export> All { get; } =
    [
        new("cntk-ir3-opset8", Net(irVersion: 3, opset: 8, initializersAsInputs: false)),
        new("pytorch-ir3-opset7", Net(irVersion: 3, opset: 7, initializersAsInputs: true)),
        new("pytorch-ir4-opset9-keep-initializers", Net(irVersion: 4, opset: 9, initializersAsInputs: true)),
    ];

    public static TheoryData<string> Names => new(All.Select(e => e.Name));

    public static ModelProto Get(string name) => All.Single(e => e.Name == name).Model.Clone();

    /// <summary>Writes the export named <paramref name="name"/> to <paramref name="path"/> and returns the path.</summary>
    public static string Write(string name, string path)
    {
        Compression.Onnx.Model.OnnxModel.FromProto(Get(name)).Save(path);
        return path;
    }

    /// <summary>
    /// x [1, 3, 16, 16] → Conv 3→16 (3×3, pad 1) → BN → Relu → Conv 16→32 (3×3, pad 1) → BN → Relu → GlobalAveragePool
    /// → Flatten → Gemm 32→64 (transB) → Relu → Gemm 64→10 → y [1, 10].
    /// </summary>
    public static ModelProto Net(long irVersion, long opset, bool initializersAsInputs)
    {
        var random = new Random(16);
        float[] Values(int n, double scale, double offset = 0) =>
            Enumerable.Range(0, n).Select(_ => (float)(offset + scale * (random.NextDouble() * 2 - 1))).ToArray();
        var graph = new GraphProto { Name = "old_export", Input = { Float("x", 1, 3, 16, 16) }, Output = { Float("y", 1, 10) } };
        void Weight(string name, long[] dims, float[] values) => graph.Initializer.Add(FloatTensor(name, dims, values));

        void ConvBnRelu(string prefix, string input, int cin, int cout, string output)
        {
            Weight($"{prefix}.weight", [cout, cin, 3, 3], Values(cout * cin * 9, Math.Sqrt(2.0 / (cin * 9))));
            Weight($"{prefix}.bias", [cout], Values(cout, 0.1));
            Weight($"{prefix}.bn.scale", [cout], Values(cout, 0.2, 1));
            Weight($"{prefix}.bn.bias", [cout], Values(cout, 0.1));
            Weight($"{prefix}.bn.mean", [cout], Values(cout, 0.1));
            Weight($"{prefix}.bn.var", [cout], Values(cout, 0.3, 1));
            var conv = Node("Conv", [input, $"{prefix}.weight", $"{prefix}.bias"], [$"{prefix}.conv"]);
            conv.Attribute.Add(Ints("kernel_shape", 3, 3));
            conv.Attribute.Add(Ints("pads", 1, 1, 1, 1));
            graph.Node.Add(conv);
            graph.Node.Add(Node("BatchNormalization",
                [$"{prefix}.conv", $"{prefix}.bn.scale", $"{prefix}.bn.bias", $"{prefix}.bn.mean", $"{prefix}.bn.var"], [$"{prefix}.bn"]));
            graph.Node.Add(Node("Relu", [$"{prefix}.bn"], [output]));
        }

        ConvBnRelu("conv1", "x", 3, 16, "r1");
        ConvBnRelu("conv2", "r1", 16, 32, "r2");
        graph.Node.Add(Node("GlobalAveragePool", ["r2"], ["pooled"]));
        graph.Node.Add(Node("Flatten", ["pooled"], ["flat"]));
        Weight("fc1.weight", [64, 32], Values(64 * 32, Math.Sqrt(2.0 / 32)));
        Weight("fc1.bias", [64], Values(64, 0.1));
        Weight("fc2.weight", [10, 64], Values(10 * 64, Math.Sqrt(1.0 / 64)));
        Weight("fc2.bias", [10], Values(10, 0.1));
        var fc1 = Node("Gemm", ["flat", "fc1.weight", "fc1.bias"], ["h"]);
        fc1.Attribute.Add(new AttributeProto { Name = "transB", Type = AttributeProto.Types.AttributeType.Int, I = 1 });
        graph.Node.Add(fc1);
        graph.Node.Add(Node("Relu", ["h"], ["hr"]));
        var fc2 = Node("Gemm", ["hr", "fc2.weight", "fc2.bias"], ["y"]);
        fc2.Attribute.Add(new AttributeProto { Name = "transB", Type = AttributeProto.Types.AttributeType.Int, I = 1 });
        graph.Node.Add(fc2);

        if (initializersAsInputs)
            foreach (var init in graph.Initializer)
                graph.Input.Add(Float(init.Name, [.. init.Dims]));
        var model = Model(graph, opset);
        model.IrVersion = irVersion;
        model.ProducerName = initializersAsInputs ? "pytorch" : "CNTK";
        return model;
    }

    private static AttributeProto Ints(string name, params long[] values) =>
        new() { Name = name, Type = AttributeProto.Types.AttributeType.Ints, Ints = { values } };
}

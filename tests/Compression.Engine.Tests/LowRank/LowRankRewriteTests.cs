using Compression.Engine.Tests.Quantization;
using Compression.Onnx.Protobuf;
using Compression.Testing;
using Xunit.Abstractions;

namespace Compression.Engine.Tests.LowRank;

/// <summary>
/// Each layer form the pass rewrites, on a weight of known rank 4, judged by ONNX Runtime 1.30: the factored graph must
/// compute what the original computes (to float rounding), so every attribute the rewrite moves or folds — Gemm's
/// alpha, beta and transB, a MatMul over a batch of row blocks, a Conv's strides, pads and dilations — is checked.
/// </summary>
public class LowRankRewriteTests(ITestOutputHelper output)
{
    private const int Rank = 4;

    public static TheoryData<string> Forms() => ["gemm-alpha-beta", "gemm-transB", "matmul-batched", "conv-strided"];

    [Theory]
    [MemberData(nameof(Forms))]
    public async Task A_rank_4_weight_is_split_into_two_thin_factors_that_compute_the_same_outputs(string form)
    {
        using var temp = new TempFolder("lowrank-forms");
        var (ours, ort, sqnr) = await QuantizedModelRuns.CompressTinyAsync(Build(form), QuantizedModelRuns.Recipe(("LowRank", "energy:0.999999")), temp);
        var factored = Compression.Onnx.Model.OnnxModel.Load(temp.Combine("q.onnx")).Graph;
        output.WriteLine($"{form}: ours {QuantizedModelRuns.Histogram(ours)}; ONNX Runtime {QuantizedModelRuns.Histogram(ort)}; SQNR {sqnr:F1} dB");

        var first = Assert.Single(factored.Node, n => n.Name.EndsWith("_lowrank_first", StringComparison.Ordinal));
        var firstWeight = factored.Initializer.Single(t => t.Name == first.Input[1]);
        // The first factor has the rank as its output width: columns of a MatMul weight, filters of a Conv.
        Assert.Equal(Rank, form.StartsWith("conv", StringComparison.Ordinal) ? firstWeight.Dims[0] : firstWeight.Dims[1]);
        Assert.True(factored.Initializer.Sum(t => t.Dims.Aggregate(1L, (a, d) => a * d)) < Build(form).Graph.Initializer.Sum(t => t.Dims.Aggregate(1L, (a, d) => a * d)));
        Assert.True(sqnr >= 100, $"SQNR {sqnr:F1} dB: the factored graph does not compute the original's outputs");
    }

    private static ModelProto Build(string form) => form switch
    {
        // y = 0.5·x·W + 2·b, W stored [K, N].
        "gemm-alpha-beta" => Graph([TinyModels.Float("x", 4, 64)], TinyModels.Float("y", 4, 48),
            [LowRankTensor("W", [64, 48], 64, 48, 1), TinyModels.FloatTensor("b", [48], Values(48, 2))],
            Attributes(TinyModels.Node("Gemm", ["x", "W", "b"], ["y"]), ("alpha", 0.5f), ("beta", 2f))),
        // y = x·Wᵀ + b, W stored [N, K] as PyTorch exports Linear layers, bias [1, N].
        "gemm-transB" => Graph([TinyModels.Float("x", 4, 64)], TinyModels.Float("y", 4, 48),
            [LowRankTensor("W", [48, 64], 48, 64, 3), TinyModels.FloatTensor("b", [1, 48], Values(48, 4))],
            Attributes(TinyModels.Node("Gemm", ["x", "W", "b"], ["y"]), ("transB", 1L))),
        "matmul-batched" => Graph([TinyModels.Float("x", 2, 3, 64)], TinyModels.Float("y", 2, 3, 48),
            [LowRankTensor("W", [64, 48], 64, 48, 5)], TinyModels.Node("MatMul", ["x", "W"], ["y"])),
        // 32 filters of 8×3×3 (a 32×72 matrix of rank 4), stride 2, pad 2, dilation 2: the first Conv keeps all three.
        "conv-strided" => Graph([TinyModels.Float("x", 1, 8, 17, 17)], TinyModels.Float("y", 1, 32, 9, 9),
            [LowRankTensor("W", [32, 8, 3, 3], 32, 72, 7), TinyModels.FloatTensor("B", [32], Values(32, 8))],
            Attributes(TinyModels.Node("Conv", ["x", "W", "B"], ["y"]), ("strides", new long[] { 2, 2 }), ("pads", new long[] { 2, 2, 2, 2 }), ("dilations", new long[] { 2, 2 }))),
        _ => throw new ArgumentOutOfRangeException(nameof(form)),
    };

    private static ModelProto Graph(ValueInfoProto[] inputs, ValueInfoProto output, TensorProto[] initializers, NodeProto node) =>
        TinyModels.Model(new GraphProto { Name = "lowrank", Input = { inputs }, Output = { output }, Initializer = { initializers }, Node = { node } });

    /// <summary>A tensor whose values, read row-major as a rows×columns matrix, are P·Q with P rows×4 and Q 4×columns.</summary>
    private static TensorProto LowRankTensor(string name, long[] dims, int rows, int columns, int seed)
    {
        var p = Values(rows * Rank, seed);
        var q = Values(Rank * columns, seed + 1);
        var values = new float[rows * columns];
        for (var i = 0; i < rows; i++)
            for (var j = 0; j < columns; j++)
            {
                var sum = 0f;
                for (var k = 0; k < Rank; k++) sum += p[(i * Rank) + k] * q[(k * columns) + j];
                values[(i * columns) + j] = sum;
            }
        return TinyModels.FloatTensor(name, dims, values);
    }

    private static float[] Values(int count, int seed)
    {
        var random = new Random(seed);
        return Enumerable.Range(0, count).Select(_ => (float)(random.NextDouble() - 0.5)).ToArray();
    }

    private static NodeProto Attributes(NodeProto node, params (string Name, object Value)[] attributes)
    {
        foreach (var (name, value) in attributes)
            node.Attribute.Add(value switch
            {
                float f => new AttributeProto { Name = name, Type = AttributeProto.Types.AttributeType.Float, F = f },
                long i => new AttributeProto { Name = name, Type = AttributeProto.Types.AttributeType.Int, I = i },
                long[] ints => new AttributeProto { Name = name, Type = AttributeProto.Types.AttributeType.Ints, Ints = { ints } },
                _ => throw new ArgumentOutOfRangeException(nameof(attributes)),
            });
        return node;
    }
}

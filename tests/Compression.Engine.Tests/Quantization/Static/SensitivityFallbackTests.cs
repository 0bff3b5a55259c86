using Compression.Engine.Pipeline;
using Compression.Onnx.DataFiles;
using Compression.Onnx.Model;
using Compression.Onnx.Protobuf;
using Compression.Onnx.Tensors;
using Compression.Testing;

namespace Compression.Engine.Tests.Quantization.Static;

/// <summary>
/// Static int8 keeps float the nodes whose quantization costs most, found by measuring on the calibration data, until
/// the model keeps its target; a model one range per tensor suits keeps every node quantized.
/// </summary>
public class SensitivityFallbackTests
{
    private const int Tokens = 8;
    private const int Width = 32;

    /// <summary>
    /// y's width: W2 [32, 1] is under int8-weight's smallest tensor, so a dense2 kept float runs as a float MatMul. (An
    /// int8 weight-only dense2 would run in ONNX Runtime's MatMulNBits, whose accuracy level quantizes the activation
    /// per block at run time: on an input with a 100x outlier that costs as much as static int8 — measured 9 dB.)
    /// </summary>
    private const int Outputs = 2;

    /// <summary>
    /// An encoder-like block: a = x·W1; h = a + x·s, a residual whose sum carries one outlier dimension (s is
    /// <paramref name="outlier"/> there and 0 elsewhere), as a transformer's hidden states do before LayerNorm; y = h·W2,
    /// which reads every dimension but the outlier one (its row of W2 is zero). One range for h must span the outlier,
    /// which leaves the other dimensions a few int8 steps when the outlier is a hundred times larger.
    /// </summary>
    private static (string Model, string Calibration, string Validation) Build(TempFolder temp, float outlier)
    {
        var random = new Random(11);
        float[] Values(int count, double spread) => Enumerable.Range(0, count).Select(_ => (float)((random.NextDouble() - 0.5) * spread)).ToArray();
        var w2 = Values(Width * Outputs, 0.4);
        Array.Clear(w2, 5 * Outputs, Outputs);
        var spike = new float[Width];
        spike[5] = outlier;
        var model = TinyModels.Model(new GraphProto
        {
            Name = "residual_encoder",
            Input = { TinyModels.Float("x", 1, Tokens, Width) },
            Output = { TinyModels.Float("y", 1, Tokens, Outputs) },
            Initializer =
            {
                TinyModels.FloatTensor("W1", [Width, Width], Values(Width * Width, 0.4)),
                TinyModels.FloatTensor("W2", [Width, Outputs], w2),
                TinyModels.FloatTensor("spike", [Width], spike),
            },
            Node =
            {
                TinyModels.Node("MatMul", ["x", "W1"], ["a"], "dense1"),
                TinyModels.Node("Mul", ["x", "spike"], ["o"], "outlier"),
                TinyModels.Node("Add", ["a", "o"], ["h"], "residual"),
                TinyModels.Node("MatMul", ["h", "W2"], ["y"], "dense2"),
            },
        });
        var path = temp.Combine("m.onnx");
        OnnxModel.FromProto(model).Save(path);
        string Samples(string name, int count)
        {
            var folder = temp.CreateFolder(name);
            for (var s = 0; s < count; s++)
            {
                var sample = temp.CreateFolder(name, $"sample_{s:000}");
                NpyFile.Write(Path.Combine(sample, "x.npy"), TensorData.Create("x", [1L, Tokens, Width], (ReadOnlySpan<float>)Values(Tokens * Width, 2)));
            }
            return folder;
        }
        return (path, Samples("calibration", 4), Samples("validation", 4));
    }

    [Fact]
    public void Nodes_an_outlier_dimension_breaks_stay_float_and_the_model_keeps_its_target()
    {
        using var temp = new TempFolder("sensitivity-outlier");
        var (model, calibration, validation) = Build(temp, outlier: 100);
        var compressed = temp.Combine("q.onnx");
        // 7-bit weights, as desktop-x64 writes them: ONNX Runtime's u8s8 kernels on x64 without VNNI saturate 8-bit ones.
        var result = ModelCompressor.Compress(model, compressed, "portable", QuantizedModelRuns.Recipe(("Quantization", "int8"), ("ReduceRange", "true")), calibrationData: calibration);
        var notes = result.Pass("int8").Notes;
        Assert.Contains(notes, n => n.Contains("kept float", StringComparison.Ordinal) && n.Contains("under the 20.0 dB target", StringComparison.Ordinal));
        var graph = OnnxModel.Load(compressed).Proto.Graph;
        // The first layer, which never sees the outlier, runs in int8; the sum and the layer reading it run in float.
        Assert.False(graph.Initializer.Any(t => t.Name == "W1"), string.Join(" / ", notes));
        Assert.Contains(graph.Node, n => n.OpType == "QuantizeLinear" && n.Input[0] == "x");
        Assert.DoesNotContain(graph.Node, n => n.OpType == "QuantizeLinear" && n.Input[0].StartsWith('h'));
        var dense2 = graph.Node.Single(n => n.Name == "dense2");
        Assert.NotEqual("DequantizeLinear", graph.Node.SingleOrDefault(n => n.Output.Contains(dense2.Input[0]))?.OpType);

        var sqnr = SqnrOnValidation(model, compressed, validation);
        Assert.True(sqnr >= 25, $"{sqnr:F1} dB on held-out samples");
    }

    [Fact]
    public void A_model_one_range_per_tensor_suits_keeps_every_node_quantized()
    {
        using var temp = new TempFolder("sensitivity-plain");
        var (model, calibration, _) = Build(temp, outlier: 1);
        var compressed = temp.Combine("q.onnx");
        var result = ModelCompressor.Compress(model, compressed, "portable", QuantizedModelRuns.Recipe(("Quantization", "int8")), calibrationData: calibration);
        Assert.Contains(result.Pass("int8").Notes, n => n.Contains("no node kept float", StringComparison.Ordinal));
        var graph = OnnxModel.Load(compressed).Proto.Graph;
        Assert.DoesNotContain(graph.Initializer, t => t.Name == "W1");
        Assert.Equal(2, graph.Node.Count(n => n.OpType == "MatMul" && graph.Node.Any(q => q.OpType == "DequantizeLinear" && n.Input.Contains(q.Output[0]))));
    }

    // Unoptimized: ONNX Runtime's reference semantics of the QDQ graph. With full optimization this tiny model loses
    // about 27 dB in ONNX Runtime 1.32's fused integer MatMul (9.5 dB against 37 on the same samples), which the
    // MiniLM table does not show; not yet investigated (docs/quantization.md).
    private static double SqnrOnValidation(string original, string compressed, string validation) =>
        InProcessOnnxRuntime.FirstOutputSqnr(original, compressed, validation, "x", [1, Tokens, Width]);
}

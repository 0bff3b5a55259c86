using Compression.Engine.Pipeline;
using Compression.Engine.Quantization.Static;
using Compression.Onnx.DataFiles;
using Compression.Onnx.Model;
using Compression.Onnx.Protobuf;
using Compression.Onnx.Tensors;
using Compression.Testing;

namespace Compression.Engine.Tests.Quantization.Static;

/// <summary>
/// SmoothQuant-style smoothing moves an activation's outlier channel into the weights that read it: the float model
/// computes the same, and static int8, which tries it when its plan is broken, keeps it only when it measures better.
/// </summary>
public class ActivationSmoothingTests
{
    private const int Tokens = 8;
    private const int Width = 32;
    private const int Outputs = 4;
    private const int Outlier = 5;

    /// <summary>
    /// h = x·gain, where gain is 100 on one channel and 1 elsewhere (a LayerNorm's outlier dimension); y = h·W with the
    /// outlier's row of W small, so the output depends on the ordinary channels that one range for h starves; r = h + h,
    /// a second reader that must keep reading h itself.
    /// </summary>
    private static (string Model, string Calibration, string Validation) Build(TempFolder temp)
    {
        var random = new Random(3);
        float[] Values(int count, double spread) => Enumerable.Range(0, count).Select(_ => (float)((random.NextDouble() - 0.5) * spread)).ToArray();
        var gain = Enumerable.Repeat(1f, Width).ToArray();
        gain[Outlier] = 100;
        var w = Values(Width * Outputs, 0.4);
        for (var o = 0; o < Outputs; o++) w[Outlier * Outputs + o] *= 0.01f;
        var model = TinyModels.Model(new GraphProto
        {
            Name = "outlier_channel",
            Input = { TinyModels.Float("x", 1, Tokens, Width) },
            Output = { TinyModels.Float("y", 1, Tokens, Outputs), TinyModels.Float("r", 1, Tokens, Width) },
            Initializer =
            {
                TinyModels.FloatTensor("gain", [Width], gain),
                TinyModels.FloatTensor("W", [Width, Outputs], w),
            },
            Node =
            {
                TinyModels.Node("Mul", ["x", "gain"], ["h"], "norm"),
                TinyModels.Node("MatMul", ["h", "W"], ["y"], "dense"),
                TinyModels.Node("Add", ["h", "h"], ["r"], "residual"),
            },
        });
        var path = temp.Combine("m.onnx");
        OnnxModel.FromProto(model).Save(path);
        string Samples(string name)
        {
            var folder = temp.CreateFolder(name);
            for (var s = 0; s < 4; s++)
                NpyFile.Write(Path.Combine(temp.CreateFolder(name, $"sample_{s:000}"), "x.npy"),
                    TensorData.Create("x", [1L, Tokens, Width], (ReadOnlySpan<float>)Values(Tokens * Width, 2)));
            return folder;
        }
        return (path, Samples("calibration"), Samples("validation"));
    }

    [Fact]
    public void The_smoothed_float_model_computes_the_same_and_other_readers_keep_the_activation()
    {
        using var temp = new TempFolder("smoothing-exact");
        var (path, _, validation) = Build(temp);
        var model = OnnxModel.Load(path).Proto;
        var ranges = new Dictionary<string, double[]> { ["h"] = Enumerable.Range(0, Width).Select(j => j == Outlier ? 100.0 : 1.0).ToArray() };
        var (activations, channels) = ActivationSmoothing.Apply(model, ranges, _ => false);
        Assert.Equal(1, activations);
        Assert.True(channels > 0);
        var mul = Assert.Single(model.Graph.Node, n => n.OpType == "Mul" && n.Input[0] == "h");
        Assert.Equal(mul.Output[0], model.Graph.Node.Single(n => n.Name == "dense").Input[0]);
        Assert.Equal(["h", "h"], model.Graph.Node.Single(n => n.Name == "residual").Input);
        var smoothed = temp.Combine("smoothed.onnx");
        OnnxModel.FromProto(model).Save(smoothed);

        using var reference = InProcessOnnxRuntime.Session(path);
        using var actual = InProcessOnnxRuntime.Session(smoothed);
        foreach (var sample in Directory.GetDirectories(validation).Order(StringComparer.Ordinal))
        {
            InProcessOnnxRuntime.Input[] inputs = [new("x", [1, Tokens, Width], TensorData.Read<float>(NpyFile.Read(Path.Combine(sample, "x.npy"))))];
            var (expected, got) = (InProcessOnnxRuntime.Run(reference, inputs), InProcessOnnxRuntime.Run(actual, inputs));
            for (var o = 0; o < expected.Count; o++)
                for (var i = 0; i < expected[o].Values.Length; i++)
                    Assert.Equal(expected[o].Values[i], got[o].Values[i], 1e-4f);
        }
    }

    [Fact]
    public void Static_int8_keeps_smoothing_when_it_measures_better_and_quantizes_the_layer()
    {
        using var temp = new TempFolder("smoothing-int8");
        var (path, calibration, validation) = Build(temp);
        var compressed = temp.Combine("q.onnx");
        var result = ModelCompressor.Compress(path, compressed, "portable", QuantizedModelRuns.Recipe(("Quantization", "int8")), calibrationData: calibration);
        var notes = result.Pass("int8").Notes;
        Assert.Contains(notes, n => n.Contains("activation smoothing", StringComparison.Ordinal) && n.EndsWith(", kept", StringComparison.Ordinal));
        var graph = OnnxModel.Load(compressed).Proto.Graph;
        // The layer runs between pairs: its activation is the smoothed value, quantized.
        var dense = graph.Node.Single(n => n.Name == "dense");
        Assert.Equal("DequantizeLinear", graph.Node.Single(n => n.Output.Contains(dense.Input[0])).OpType);

        var unsmoothed = temp.Combine("unsmoothed.onnx");
        var model = OnnxModel.Load(path);
        var plan = Planner.Plan(model.Proto, QuantizedModelRuns.Recipe(("Quantization", "int8")), new PlanInputs(HasCalibrationData: true));
        var context = new CompressionContext(model, plan.Recipe) { CalibrationData = calibration, Threads = 1, MeasuredFallback = false };
        plan.Run(context);
        OnnxModel.FromProto(context.Model).Save(unsmoothed);
        var (with, without) = (Sqnr(path, compressed, validation), Sqnr(path, unsmoothed, validation));
        Assert.True(with >= without + 6, $"smoothed {with:F1} dB, every node quantized without smoothing {without:F1} dB on held-out samples");
    }

    private static double Sqnr(string original, string compressed, string samples) =>
        InProcessOnnxRuntime.FirstOutputSqnr(original, compressed, samples, "x", [1, Tokens, Width]);
}

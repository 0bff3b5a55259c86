using Compression.Evaluation.Tensors;
using Compression.Onnx.DataFiles;
using Compression.Testing;

namespace Compression.Evaluation.Tests.RealModels;

/// <summary>
/// Every real model runs on the executor and matches ONNX Runtime 1.30 on real inputs (<see cref="RealInputs"/>; the text
/// recognizer on a rendered line of <see cref="RealDataSets"/>): for every output, the same shape and
/// max |executor − ORT| ≤ 1e-4 × the largest |ORT| value of that output.
/// Until every operator of a model has a kernel, its test fails with the executor's UnsupportedOperatorException,
/// which lists the missing operators.
/// </summary>
public sealed class RealModelFidelityTests
{
    public const double RelativeToLargest = 1e-4;

    [Theory]
    [MemberData(nameof(TestAssets.RealModelNames), MemberType = typeof(TestAssets))]
    public async Task Executor_matches_onnx_runtime_on_real_inputs(string name)
    {
        using var temp = new TempFolder("real-fidelity");
        var inputs = temp.CreateFolder("inputs");
        var model = await RealModelRun.PrepareAsync(name, inputs);

        await AssertMatchesOnnxRuntimeAsync(name, model, inputs, temp);
    }

    /// <summary>
    /// The text recognizer is kept out of <see cref="TestAssets.RealModels"/> (see <see cref="TestAssets.TextRecognizers"/>);
    /// its real input is the first rendered line of its data set.
    /// </summary>
    [Fact]
    public async Task Executor_matches_onnx_runtime_on_a_rendered_text_line()
    {
        using var temp = new TempFolder("real-fidelity");
        var recognizer = TestAssets.Models.PaddleOcrRecognizer;
        var set = await RealDataSets.GetAsync(recognizer.Name, TextRecognizerTests.Samples);

        await AssertMatchesOnnxRuntimeAsync(recognizer.Name, recognizer.RequirePath(), Path.Combine(set, "sample_000"), temp);
    }

    private static async Task AssertMatchesOnnxRuntimeAsync(string name, string model, string inputs, TempFolder temp)
    {
        var (names, actual) = RealModelRun.Run(model, inputs, threads: 2);
        var oracle = await OnnxRuntimeOracle.RunAsync(model, inputs, temp.Combine("ort"));

        Assert.Equal(oracle.Outputs.Select(o => o.Name), names);
        foreach (var output in oracle.Outputs)
        {
            var expected = TensorConversion.FromProto(NpyFile.Read(output.Path));
            var got = actual[output.Name];
            Assert.True(expected.Shape.SequenceEqual(got.Shape),
                $"{name} '{output.Name}': shape {ShapeMath.Format(got.Shape)}, ONNX Runtime {ShapeMath.Format(expected.Shape)}");
            Assert.Equal(expected.ElementType, got.ElementType);
            var (maxDiff, largest, at) = Difference(got, expected);
            Assert.True(maxDiff <= RelativeToLargest * largest,
                $"{name} '{output.Name}': max |executor − ORT| = {maxDiff:G6} at element {at}, over {RelativeToLargest:G2} × {largest:G6} (the largest |ORT| value)");
        }
    }

    /// <summary>The largest absolute difference (NaN counts as infinite), its element, and the largest |expected|.</summary>
    private static (double MaxDiff, double Largest, int At) Difference(Tensor actual, Tensor expected)
    {
        double max = 0, largest = 0;
        var at = -1;
        for (var i = 0; i < expected.Length; i++)
        {
            var e = ToDouble(expected, i);
            var a = ToDouble(actual, i);
            largest = Math.Max(largest, Math.Abs(e));
            var diff = double.IsNaN(a) || double.IsNaN(e) ? (double.IsNaN(a) && double.IsNaN(e) ? 0 : double.PositiveInfinity) : Math.Abs(a - e);
            if (diff > max) (max, at) = (diff, i);
        }
        return (max, largest, at);
    }

    private static double ToDouble(Tensor t, int i) => t.Data switch
    {
        float[] f => f[i],
        double[] d => d[i],
        long[] l => l[i],
        int[] n => n[i],
        Half[] h => (double)h[i],
        bool[] b => b[i] ? 1 : 0,
        byte[] u => u[i],
        sbyte[] s => s[i],
        _ => throw new NotSupportedException($"element type {t.ElementType}"),
    };
}

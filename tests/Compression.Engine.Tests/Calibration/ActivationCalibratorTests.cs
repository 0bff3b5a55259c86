using Compression.Engine.Calibration;
using Compression.Engine.Recipes;
using Compression.Evaluation;
using Compression.Onnx.DataFiles;
using Compression.Onnx.Diagnostics;
using Compression.Onnx.Model;
using Compression.Onnx.Protobuf;
using Compression.Testing;

namespace Compression.Engine.Tests.Calibration;

public class ActivationCalibratorTests
{
    private const int Width = 64;

    /// <summary>x [1, 64] → m = x · 3 → y = Relu(m): one input, one intermediate, one output.</summary>
    private static OnnxModel ScaleRelu() => OnnxModel.FromProto(TinyModels.Model(new GraphProto
    {
        Name = "scale_relu",
        Input = { TinyModels.Float("x", 1, Width) },
        Output = { TinyModels.Float("y", 1, Width) },
        Initializer = { TinyModels.FloatTensor("three", [], [3f]) },
        Node = { TinyModels.Node("Mul", ["x", "three"], ["m"]), TinyModels.Node("Relu", ["m"], ["y"]) },
    }));

    private static float[] SampleValues(int index) =>
        SyntheticData.Gaussian(Width, 100 + index).Select(v => v * (1 + index % 5)).ToArray();

    private static string WriteDataSet(TempFolder temp, int samples)
    {
        for (var i = 0; i < samples; i++)
            NpyFile.Write(Path.Combine(temp.CreateFolder($"sample_{i:000}"), "input_0.npy"), TinyModels.FloatTensor("x", [1, Width], SampleValues(i)));
        return temp.Path;
    }

    [Fact]
    public void StatisticsOverADataSetEqualTheOneShotStatisticsOfAllItsValues()
    {
        using var temp = new TempFolder("calib");
        var folder = WriteDataSet(temp, 12);

        var collected = ActivationCalibrator.Collect(ScaleRelu(), ["x", "m", "y"], folder, threads: 1);

        var all = Enumerable.Range(0, 12).SelectMany(SampleValues).ToArray();
        var expectedM = new TensorStatistics();
        expectedM.Add(all.Select(v => v * 3f).ToArray());
        var m = collected.Statistics["m"];
        Assert.Equal(12, collected.Samples);
        Assert.Equal(12, m.Observations);
        Assert.Equal(expectedM.Histogram.Counts.ToArray(), m.Histogram.Counts.ToArray());
        Assert.Equal((expectedM.Min, expectedM.Max), (m.Min, m.Max));
        Assert.Equal(0f, collected.Statistics["y"].Min); // Relu
    }

    [Fact]
    public void OneAndTwoThreadsGiveTheSameResult()
    {
        using var temp = new TempFolder("calib");
        var folder = WriteDataSet(temp, 9);
        foreach (CalibrationMethod method in new CalibrationMethod[] { new CalibrationMethod.MinMax(), new CalibrationMethod.Percentile(99.9), new CalibrationMethod.Entropy() })
        {
            var one = ActivationCalibrator.Calibrate(ScaleRelu(), ["m", "y"], folder, method, ActivationType.UInt8, threads: 1);
            var two = ActivationCalibrator.Calibrate(ScaleRelu(), ["m", "y"], folder, method, ActivationType.UInt8, threads: 2);
            Assert.Equal(one.Ranges, two.Ranges);
            Assert.Equal(one.Statistics["m"].Histogram.Counts.ToArray(), two.Statistics["m"].Histogram.Counts.ToArray());
        }
    }

    [Fact]
    public void ValuesNeverProducedAreListedAndHaveNoRange()
    {
        using var temp = new TempFolder("calib");
        var folder = WriteDataSet(temp, 1);
        var result = ActivationCalibrator.Calibrate(ScaleRelu(), ["m", "nowhere"], folder, new CalibrationMethod.MinMax(), ActivationType.Int8, 1);
        Assert.Equal(["nowhere"], result.NotObserved);
        Assert.True(result.Ranges.ContainsKey("m"));
        Assert.Equal(0, result.Parameters("m").ZeroPoint); // int8 symmetric
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    public void AMissingInputFileIsACodedErrorNamingTheFirstBadSample(int threads)
    {
        using var temp = new TempFolder("calib");
        var folder = WriteDataSet(temp, 6);
        File.Delete(temp.Combine("sample_003", "input_0.npy"));
        File.Delete(temp.Combine("sample_005", "input_0.npy"));

        var e = Assert.Throws<CompressionException>(() =>
            ActivationCalibrator.Collect(ScaleRelu(), ["m"], folder, threads));
        Assert.Equal(EvaluationErrorCodes.InputMissing, e.Code);
        Assert.Equal(temp.Combine("sample_003"), e.FilePath);
    }

    [Fact]
    public void AWrongShapeIsACodedErrorNamingTheFile()
    {
        using var temp = new TempFolder("calib");
        var folder = WriteDataSet(temp, 3);
        var bad = temp.Combine("sample_001", "input_0.npy");
        NpyFile.Write(bad, TinyModels.FloatTensor("x", [1, Width / 2], new float[Width / 2]));

        var e = Assert.Throws<CompressionException>(() => ActivationCalibrator.Collect(ScaleRelu(), ["m"], folder, 2));
        Assert.Equal(EvaluationErrorCodes.InputMismatch, e.Code);
        Assert.Equal(bad, e.FilePath);
        Assert.Contains("shape", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AWrongElementTypeIsACodedErrorNamingTheFile()
    {
        using var temp = new TempFolder("calib");
        var folder = WriteDataSet(temp, 1);
        var bad = temp.Combine("sample_000", "input_0.npy");
        NpyFile.Write(bad, new TensorProto { Name = "x", DataType = (int)TensorProto.Types.DataType.Int64, Dims = { 1, Width }, Int64Data = { new long[Width] } });

        var e = Assert.Throws<CompressionException>(() => ActivationCalibrator.Collect(ScaleRelu(), ["m"], folder, 1));
        Assert.Equal(EvaluationErrorCodes.InputMismatch, e.Code);
        Assert.Equal(bad, e.FilePath);
    }

    [Fact]
    public void AMissingDataSetFolderIsACodedError()
    {
        using var temp = new TempFolder("calib");
        var e = Assert.Throws<CompressionException>(() => ActivationCalibrator.Collect(ScaleRelu(), ["m"], temp.Combine("absent"), 1));
        Assert.Equal(EvaluationErrorCodes.DataSetFolderMissing, e.Code);
        Assert.Equal(temp.Combine("absent"), e.FilePath);
    }
}

using System.Diagnostics;
using Compression.Engine.Calibration;
using Compression.Engine.Recipes;
using Compression.Evaluation.DataSets;
using Compression.Evaluation.Execution;
using Compression.Evaluation.Tensors;
using Compression.Onnx.DataFiles;
using Compression.Onnx.Model;
using Compression.Testing;
using Xunit.Abstractions;

namespace Compression.Engine.Tests.Calibration;

/// <summary>The rendered and photographed data sets (RealDataSets) on the real models, and calibration over them.</summary>
public class RealDataSetTests(ITestOutputHelper output)
{
    private const int ClassifierSamples = 64;

    [Fact]
    public async Task TheDirectionClassifierIsAccurateInFp32OnTheLabelledRenderedLines()
    {
        var folder = await RealDataSets.GetAsync("paddleocr-cls", ClassifierSamples);
        var model = OnnxModel.Load(TestAssets.Models.PaddleOcrClassifier.RequirePath());
        var executor = new ModelExecutor(model);
        var feeds = executor.Inputs.Select(n => model.Graph.Input.First(i => i.Name == n)).ToList();
        var labels = TensorConversion.FromProto(NpyFile.Read(Path.Combine(folder, "labels.npy"))).ToArray<long>();
        var samples = DataSet.SampleFolders(folder);
        Assert.Equal(ClassifierSamples, samples.Count);
        Assert.Equal(ClassifierSamples, labels.Length);

        var correct = 0;
        var perClass = new int[2];
        var wrong = new List<string>();
        for (var i = 0; i < samples.Count; i++)
        {
            var scores = executor.Run(InputFiles.Load(samples[i], feeds))[executor.Outputs[0]].ToArray<float>();
            Assert.Equal(RealDataSets.DirectionClasses.Count, scores.Length);
            var predicted = scores[1] > scores[0] ? 1 : 0;
            if (predicted == labels[i]) { correct++; perClass[labels[i]]++; }
            else wrong.Add($"{Path.GetFileName(samples[i])} ({scores[0]:0.00}/{scores[1]:0.00})");
        }
        var accuracy = 100.0 * correct / samples.Count;
        output.WriteLine($"paddleocr-cls fp32 accuracy on {samples.Count} rendered lines: {accuracy:0.0}% " +
            $"(upright {perClass[0]}/{labels.Count(l => l == 0)}, rotated 180° {perClass[1]}/{labels.Count(l => l == 1)}); wrong: {string.Join(", ", wrong)}");
        Assert.True(accuracy >= 90, $"fp32 accuracy {accuracy:0.0}% is below 90%: the labels or the preprocessing are wrong");
    }

    [Theory]
    [InlineData("paddleocr-cls")]
    [InlineData("paddleocr-det")]
    [InlineData("blazeface-front")]
    [InlineData("blazeface-back")]
    public async Task DataSetsAreTheSameBytesEveryTime(string modelName)
    {
        using var first = new TempFolder("ds");
        using var second = new TempFolder("ds");
        await RealDataSets.WriteAsync(modelName, first.Path, 12);
        await RealDataSets.WriteAsync(modelName, second.Path, 12);
        var files = Directory.GetFiles(first.Path, "*", SearchOption.AllDirectories).Select(f => Path.GetRelativePath(first.Path, f)).Order(StringComparer.Ordinal).ToList();
        Assert.Equal(12, files.Count(f => f.EndsWith("input_0.npy", StringComparison.Ordinal)));
        Assert.Equal(files, Directory.GetFiles(second.Path, "*", SearchOption.AllDirectories).Select(f => Path.GetRelativePath(second.Path, f)).Order(StringComparer.Ordinal));
        foreach (var file in files)
            Assert.True(File.ReadAllBytes(Path.Combine(first.Path, file)).AsSpan().SequenceEqual(File.ReadAllBytes(Path.Combine(second.Path, file))), file);
    }

    [Theory]
    [InlineData("paddleocr-cls", 16)]
    [InlineData("paddleocr-det", 4)]
    [InlineData("blazeface-front", 12)]
    [InlineData("blazeface-back", 4)]
    public async Task CalibratingARealModelGivesTheSameRangesWithOneAndTwoThreads(string modelName, int samples)
    {
        var folder = await RealDataSets.GetAsync(modelName, samples);
        var model = OnnxModel.Load(TestAssets.RealModel(modelName).RequirePath());
        var names = model.Graph.Node.SelectMany(n => n.Output).Concat(model.Graph.Input.Select(i => i.Name)).ToList();

        var watch = Stopwatch.StartNew();
        var one = ActivationCalibrator.Collect(model, names, folder, threads: 1);
        var oneTime = watch.Elapsed;
        watch.Restart();
        var two = ActivationCalibrator.Collect(model, names, folder, threads: 2);
        output.WriteLine($"{modelName}: {one.Statistics.Count(s => s.Value.Count > 0)} values over {samples} samples; " +
            $"{oneTime.TotalMilliseconds / samples:0} ms/sample on 1 thread, {watch.Elapsed.TotalMilliseconds / samples:0} ms/sample on 2");

        foreach (var (name, statistics) in one.Statistics)
        {
            var other = two.Statistics[name];
            Assert.Equal((statistics.Min, statistics.Max, statistics.Count), (other.Min, other.Max, other.Count));
            Assert.Equal(statistics.Histogram.Counts.ToArray(), other.Histogram.Counts.ToArray());
        }
        foreach (var type in new[] { ActivationType.UInt8, ActivationType.Int8 })
        {
            var minMax = new CalibrationResult(one.Statistics, new CalibrationMethod.MinMax(), type, samples);
            var entropy = new CalibrationResult(one.Statistics, new CalibrationMethod.Entropy(), type, samples);
            var percentile = new CalibrationResult(one.Statistics, new CalibrationMethod.Percentile(99.99), type, samples);
            Assert.NotEmpty(minMax.Ranges);
            foreach (var (name, range) in minMax.Ranges)
            {
                // The clipping methods only ever narrow the observed range.
                Assert.InRange(entropy.Ranges[name].Min, range.Min, range.Max);
                Assert.InRange(entropy.Ranges[name].Max, entropy.Ranges[name].Min, range.Max);
                Assert.InRange(percentile.Ranges[name].Min, range.Min, range.Max);
                Assert.InRange(percentile.Ranges[name].Max, percentile.Ranges[name].Min, range.Max);
                Assert.True(float.IsFinite(minMax.Parameters(name).Scale) && minMax.Parameters(name).Scale > 0, name);
            }
            var clipped = minMax.Ranges.Count(r => entropy.Ranges[r.Key] != r.Value);
            output.WriteLine($"  {type}: entropy clips {clipped} of {minMax.Ranges.Count} ranges");
        }
    }
}

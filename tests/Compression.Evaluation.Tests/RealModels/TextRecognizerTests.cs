using System.Diagnostics;
using Compression.Evaluation.DataSets;
using Compression.Evaluation.Execution;
using Compression.Onnx.Model;
using Compression.Testing;
using Xunit.Abstractions;

namespace Compression.Evaluation.Tests.RealModels;

/// <summary>
/// The PaddleOCR v4 recognizer reads its rendered text lines (<see cref="RealDataSets"/>' paddleocr-rec), so that
/// compression can be judged by characters read rather than by SQNR alone: in ONNX Runtime the original reads them
/// nearly perfectly, and the managed executor reads the very same text.
/// </summary>
public sealed class TextRecognizerTests(ITestOutputHelper output)
{
    /// <summary>The rendered lines both tests read (one cached set, shared with the fidelity test's first line).</summary>
    public const int Samples = 32;

    // Measured 0.998 (one capital read as lower case in 32 lines); 0.9 leaves room for another Pillow or FreeType's
    // rendering without letting a broken decoder or preprocessing (which score near 0) pass.
    private const double MinCharacterAccuracy = 0.9;

    [Fact]
    public async Task Onnx_runtime_reads_rendered_lines_with_the_original_recognizer_at_high_character_accuracy()
    {
        var recognizer = TestAssets.Models.PaddleOcrRecognizer;
        var set = await RealDataSets.GetAsync(recognizer.Name, Samples);

        var score = await TextRecognition.MeasureAsync(recognizer.RequirePath(), set);

        output.WriteLine($"character accuracy {score.CharacterAccuracy:F4}, line accuracy {score.LineAccuracy:F4} on {Samples} lines");
        var labels = TextRecognition.ReadLabels(set);
        foreach (var (truth, read) in labels.Zip(score.Predictions).Where(p => p.First != p.Second))
            output.WriteLine($"  '{truth}' read as '{read}'");
        Assert.True(score.CharacterAccuracy >= MinCharacterAccuracy,
            $"character accuracy {score.CharacterAccuracy:F4} under {MinCharacterAccuracy}; line accuracy {score.LineAccuracy:F4}");
    }

    [Fact]
    public async Task Executor_reads_the_same_text_as_onnx_runtime_on_every_rendered_line()
    {
        var recognizer = TestAssets.Models.PaddleOcrRecognizer;
        var set = await RealDataSets.GetAsync(recognizer.Name, Samples);
        var dictionary = TextRecognition.ReadDictionary(recognizer.RequireCompanionPath());
        var reference = await TextRecognition.MeasureAsync(recognizer.RequirePath(), set);

        var loaded = OnnxModel.Load(recognizer.RequirePath());
        var executor = new ModelExecutor(loaded, new ExecutorOptions { Threads = 2 });
        var feeds = executor.Inputs.Select(n => loaded.Graph.Input.First(i => i.Name == n)).ToList();
        var watch = Stopwatch.StartNew();
        var predictions = DataSet.SampleFolders(set).Select(sample =>
        {
            var scores = executor.Run(InputFiles.Load(sample, feeds))[executor.Outputs[0]];
            return TextRecognition.Decode(scores.ReadOnlySpan<float>(), scores.Shape.Select(d => (long)d).ToList(), dictionary);
        }).ToList();
        var executed = TextRecognition.Score(predictions, TextRecognition.ReadLabels(set));

        output.WriteLine($"executor: {Samples} lines in {watch.Elapsed.TotalSeconds:F1} s, character accuracy {executed.CharacterAccuracy:F4} " +
            $"(ONNX Runtime {reference.CharacterAccuracy:F4}), {predictions.Zip(reference.Predictions).Count(p => p.First == p.Second)} of {Samples} lines read alike");
        Assert.Equal(reference.Predictions, predictions);
    }
}

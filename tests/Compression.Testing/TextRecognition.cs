using System.Text;
using Compression.Onnx.DataFiles;
using Compression.Onnx.Tensors;

namespace Compression.Testing;

/// <summary>How well a text recognizer read a labelled data set.</summary>
/// <param name="CharacterAccuracy">1 − Σ edit distance(prediction, label) / Σ label length, in code points, clamped at 0.</param>
/// <param name="LineAccuracy">The share of samples read exactly.</param>
/// <param name="Predictions">The decoded text of each sample, in sample order.</param>
public sealed record TextRecognitionScore(double CharacterAccuracy, double LineAccuracy, IReadOnlyList<string> Predictions);

/// <summary>
/// Character accuracy of a CTC text line recognizer (<see cref="TestAssets.TextRecognizers"/>) on a labelled data set
/// (<see cref="RealDataSets"/>' paddleocr-rec: <c>labels.txt</c> at the top, one UTF-8 line a sample). Decoding is
/// PaddleOCR's greedy CTC: the arg-max class of each time step, repeats collapsed, blanks dropped; class 0 is the blank,
/// class i ≥ 1 the dictionary's line i − 1, and the class after the dictionary's last the space that use_space_char
/// appends. Decoding and scoring take plain arrays, so a test can score the executor's or an in-process session's
/// outputs with the same rules as <see cref="MeasureAsync"/>'s ONNX Runtime run.
/// </summary>
public static class TextRecognition
{
    /// <summary>The text labels' file at the top of a data set, next to where labels.npy would hold class labels.</summary>
    public const string LabelsFile = "labels.txt";

    private const int Blank = 0;

    /// <summary>
    /// Runs <paramref name="model"/> in ONNX Runtime (the oracle) over <paramref name="dataSet"/> and scores its first
    /// output against the set's labels. <paramref name="dictionary"/> defaults to PaddleOCR's, which ships with
    /// <see cref="TestAssets.Models.PaddleOcrRecognizer"/> (a compressed copy of it decodes with the same file).
    /// </summary>
    public static async Task<TextRecognitionScore> MeasureAsync(string model, string dataSet, string? dictionary = null)
    {
        var characters = ReadDictionary(dictionary ?? TestAssets.Models.PaddleOcrRecognizer.RequireCompanionPath());
        var labels = ReadLabels(dataSet);
        using var temp = new TempFolder("text-recognition");
        var samples = await OnnxRuntimeOracle.RunDataSetAsync(model, dataSet, temp.Path).ConfigureAwait(false);
        if (samples.Count != labels.Count)
            throw new InvalidOperationException($"{dataSet}: {samples.Count} samples but {labels.Count} labels in {LabelsFile}");
        var predictions = samples.Select(files =>
        {
            var scores = NpyFile.Read(files[0]);
            return Decode(TensorData.ReadAsFloat(scores), scores.Dims, characters);
        }).ToList();
        return Score(predictions, labels);
    }

    /// <summary>The dictionary's characters, one a line (PaddleOCR's files may end without a newline).</summary>
    public static IReadOnlyList<string> ReadDictionary(string path) => File.ReadAllLines(path, Encoding.UTF8);

    /// <summary>The text labels of a data set, one per sample in ordinal sample order.</summary>
    public static IReadOnlyList<string> ReadLabels(string dataSet) =>
        File.ReadAllLines(TestAssets.Require(Path.Combine(dataSet, LabelsFile)), Encoding.UTF8);

    /// <summary>
    /// Greedy CTC decoding of one sample's class scores of shape [1, T, C] (or [T, C]), row-major; C must be the
    /// dictionary's size plus the blank and the space, or the dictionary is not the one the head was trained with.
    /// </summary>
    public static string Decode(ReadOnlySpan<float> scores, IReadOnlyList<long> shape, IReadOnlyList<string> dictionary)
    {
        ArgumentNullException.ThrowIfNull(shape);
        ArgumentNullException.ThrowIfNull(dictionary);
        if (shape.Count is < 2 or > 3 || (shape.Count == 3 && shape[0] != 1))
            throw new ArgumentException($"expected scores [1, T, C] of one sample, got [{string.Join(", ", shape)}]", nameof(shape));
        var classes = checked((int)shape[^1]);
        var steps = checked((int)shape[^2]);
        if (classes != dictionary.Count + 2)
            throw new ArgumentException($"the head has {classes} classes; a dictionary of {dictionary.Count} gives {dictionary.Count + 2} with the blank and the space", nameof(dictionary));
        if (scores.Length != steps * classes)
            throw new ArgumentException($"{scores.Length} scores for shape [{string.Join(", ", shape)}]", nameof(scores));

        var text = new StringBuilder();
        var previous = Blank;
        for (var t = 0; t < steps; t++)
        {
            var best = Fidelity.ArgMax(scores.Slice(t * classes, classes));
            // A class repeated over adjacent steps is one character; a blank between two makes them two.
            if (best != previous && best != Blank) text.Append(best == classes - 1 ? " " : dictionary[best - 1]);
            previous = best;
        }
        return text.ToString();
    }

    /// <summary>Scores predictions against labels (same count, same order); code points, not UTF-16 units, are characters.</summary>
    public static TextRecognitionScore Score(IReadOnlyList<string> predictions, IReadOnlyList<string> labels)
    {
        ArgumentNullException.ThrowIfNull(predictions);
        ArgumentNullException.ThrowIfNull(labels);
        if (predictions.Count != labels.Count || labels.Count == 0)
            throw new ArgumentException($"needs one prediction per label and at least one label; got {predictions.Count} and {labels.Count}");
        long errors = 0, characters = 0;
        var exact = 0;
        for (var i = 0; i < labels.Count; i++)
        {
            var truth = CodePoints(labels[i]);
            errors += EditDistance(CodePoints(predictions[i]), truth);
            characters += truth.Length;
            if (predictions[i] == labels[i]) exact++;
        }
        if (characters == 0) throw new ArgumentException("every label is empty: character accuracy is undefined", nameof(labels));
        return new TextRecognitionScore(Math.Max(0, 1 - (double)errors / characters), (double)exact / labels.Count, predictions);
    }

    /// <summary>Levenshtein distance: insertions, deletions and substitutions, each costing one.</summary>
    public static int EditDistance(ReadOnlySpan<int> a, ReadOnlySpan<int> b)
    {
        var row = new int[b.Length + 1];
        for (var j = 0; j <= b.Length; j++) row[j] = j;
        for (var i = 1; i <= a.Length; i++)
        {
            var diagonal = row[0];
            row[0] = i;
            for (var j = 1; j <= b.Length; j++)
            {
                var above = row[j];
                row[j] = Math.Min(Math.Min(above, row[j - 1]) + 1, diagonal + (a[i - 1] == b[j - 1] ? 0 : 1));
                diagonal = above;
            }
        }
        return row[b.Length];
    }

    private static int[] CodePoints(string text) => text.EnumerateRunes().Select(r => r.Value).ToArray();
}

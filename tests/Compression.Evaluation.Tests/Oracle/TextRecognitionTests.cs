using Compression.Testing;

namespace Compression.Evaluation.Tests.Oracle;

/// <summary>The CTC decoding and scoring that the recognizer's accuracy stands on, on hand-made scores.</summary>
public sealed class TextRecognitionTests
{
    // Classes: 0 blank, 1 "a", 2 "b", 3 an astral character (U+20000, two UTF-16 units), 4 the space.
    private static readonly string[] Dictionary = ["a", "b", "\U00020000"];

    /// <summary>One-hot scores [1, T, 5] whose arg-max at each step is the given class.</summary>
    private static (float[] Scores, long[] Shape) Steps(params int[] classes)
    {
        var scores = new float[classes.Length * 5];
        for (var t = 0; t < classes.Length; t++) scores[t * 5 + classes[t]] = 1;
        return (scores, [1, classes.Length, 5]);
    }

    [Fact]
    public void Decode_collapses_repeats_drops_blanks_and_reads_the_last_class_as_a_space()
    {
        var (scores, shape) = Steps(0, 1, 1, 0, 1, 4, 4, 2, 3, 3, 0);

        Assert.Equal("aa b\U00020000", TextRecognition.Decode(scores, shape, Dictionary));
    }

    [Fact]
    public void Decode_refuses_a_dictionary_that_does_not_fit_the_head()
    {
        var (scores, shape) = Steps(1, 2);

        var error = Assert.Throws<ArgumentException>(() => TextRecognition.Decode(scores, shape, ["a", "b"]));

        Assert.Contains("5 classes", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Edit_distance_counts_insertions_deletions_and_substitutions()
    {
        Assert.Equal(3, TextRecognition.EditDistance("kitten".Select(c => (int)c).ToArray(), "sitting".Select(c => (int)c).ToArray()));
        Assert.Equal(4, TextRecognition.EditDistance([], "abcd".Select(c => (int)c).ToArray()));
    }

    [Fact]
    public void Score_sums_edits_over_the_set_counts_code_points_and_clamps_at_zero()
    {
        // One substitution in 4 + 2 characters (the astral character counts once), one exact line of two.
        var score = TextRecognition.Score(["abxb", "\U00020000a"], ["abab", "\U00020000a"]);

        Assert.Equal(1 - 1.0 / 6, score.CharacterAccuracy, 12);
        Assert.Equal(0.5, score.LineAccuracy);
        Assert.Equal(0, TextRecognition.Score(["a long wrong reading"], ["ab"]).CharacterAccuracy);
    }
}

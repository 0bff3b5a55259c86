using Compression.Onnx.DataFiles;
using Compression.Onnx.Tensors;
using Microsoft.ML.Tokenizers;

namespace Compression.Testing;

/// <summary>
/// Calibration and validation data sets for the real text encoders (<see cref="TestAssets.TextEncoders"/>): real English
/// sentences tokenized with the model's own WordPiece vocabulary by Microsoft.ML.Tokenizers' BertTokenizer (lower-cased,
/// [CLS] … [SEP], as sentence-transformers feeds all-MiniLM-L6-v2). One sample a sentence, in the data-set layout of
/// docs/calibration.md, files named by input: <c>input_ids.npy</c>, <c>attention_mask.npy</c> (all ones: one unpadded
/// sentence) and <c>token_type_ids.npy</c> (all zeros: one segment), int64 [1, tokens]. Sentence lengths differ, so the
/// sequence dimension varies from sample to sample, as it does for an app that encodes one sentence at a time.
/// </summary>
public static class SentenceDataSets
{
    /// <summary>
    /// The sentences, in sample order; a set of count samples from first takes them in turn. The first 16 are the
    /// calibration sets' and the next 16 a held-out set disjoint from them.
    /// </summary>
    public static IReadOnlyList<string> Sentences { get; } =
    [
        "The quick brown fox jumps over the lazy dog.",
        "Please restart the build server before you deploy the new release.",
        "How much does a return ticket to the airport cost on weekends?",
        "The museum opens at nine and closes early on public holidays.",
        "She compressed the model to half its size without losing accuracy.",
        "Our invoice total includes tax, shipping and a small handling fee.",
        "A cat slept on the warm windowsill all afternoon.",
        "Heavy rain is expected across the northern coast tonight.",
        "Can you recommend a good bakery near the central station?",
        "The library extended its opening hours for the exam period.",
        "Neural networks learn representations from large amounts of data.",
        "I forgot my password and cannot sign in to my account.",
        "The orchestra played Beethoven's fifth symphony to a full hall.",
        "Add two eggs, a cup of flour and a pinch of salt, then stir.",
        "The train to Berlin departs from platform seven at half past eight.",
        "Thank you for your order; it will be delivered on Friday.",
        "The doctor asked him to rest for a week and drink plenty of water.",
        "Turn left at the second traffic light and the hotel is on your right.",
        "Quarterly revenue grew by twelve percent compared with last year.",
        "My phone battery dies before lunch since the last update.",
        "Children built a sandcastle while the tide slowly came in.",
        "The committee will publish its decision after the summer break.",
        "Is there a pharmacy open late tonight in this neighbourhood?",
        "He painted the fence blue and planted tomatoes along the wall.",
        "Compilers translate source code into instructions a processor can run.",
        "The flight was delayed by two hours because of fog in London.",
        "Store the cheese in the fridge and eat it within three days.",
        "Volunteers cleaned the river bank and collected forty bags of rubbish.",
        "Which platform does the night bus to the harbour leave from?",
        "The new camera takes sharp pictures even in very low light.",
        "Students must submit their essays by midnight on Thursday.",
        "A gentle breeze carried the smell of fresh bread down the street.",
    ];

    /// <summary>
    /// Writes samples <paramref name="first"/> to first + count − 1 (sentences taken in turn) into
    /// <paramref name="folder"/> as sample_000 …, tokenized with <paramref name="encoder"/>'s vocabulary; returns the folder.
    /// </summary>
    public static string Write(RealModel encoder, string folder, int count, int first = 0)
    {
        ArgumentNullException.ThrowIfNull(encoder);
        ArgumentOutOfRangeException.ThrowIfLessThan(count, 1);
        ArgumentOutOfRangeException.ThrowIfNegative(first);
        var tokenizer = BertTokenizer.Create(encoder.RequireVocabularyPath());
        for (var i = 0; i < count; i++)
        {
            var ids = tokenizer.EncodeToIds(Sentences[(first + i) % Sentences.Count]).Select(id => (long)id).ToArray();
            var sample = Path.Combine(folder, $"sample_{i:000}");
            Directory.CreateDirectory(sample);
            long[] dims = [1, ids.Length];
            NpyFile.Write(Path.Combine(sample, "input_ids.npy"), TensorData.Create("input_ids", dims, (ReadOnlySpan<long>)ids));
            NpyFile.Write(Path.Combine(sample, "attention_mask.npy"), TensorData.Create("attention_mask", dims, (ReadOnlySpan<long>)Enumerable.Repeat(1L, ids.Length).ToArray()));
            NpyFile.Write(Path.Combine(sample, "token_type_ids.npy"), TensorData.Create("token_type_ids", dims, (ReadOnlySpan<long>)new long[ids.Length]));
        }
        return folder;
    }
}

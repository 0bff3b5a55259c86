namespace Compression.Engine.Tests.Quantization.Transformers;

/// <summary>
/// Sentences the text encoder is judged on, disjoint from the calibration sentences (SentenceDataSets). They come in
/// loose topical pairs (travel, cooking, weather, software, ...), so each has a clear nearest neighbour for the
/// original model and the neighbour agreement measures whether compression keeps the embedding space's geometry.
/// </summary>
internal static class HeldOutSentences
{
    public static IReadOnlyList<string> All { get; } =
    [
        "The flight to Lisbon was delayed by two hours because of fog.",
        "Our plane left the gate late since the airport was covered in mist.",
        "Whisk the butter and sugar together until the mixture is pale.",
        "Beat the eggs with a fork and fold them gently into the batter.",
        "Strong winds knocked down several trees in the park last night.",
        "A storm with gusts over ninety kilometres an hour hit the city.",
        "The compiler reports a null reference warning on line forty.",
        "The build fails because a package version cannot be resolved.",
        "He scored twice in the second half and his team won the final.",
        "The goalkeeper saved a penalty in the last minute of the match.",
        "Interest rates rose again, and mortgages became more expensive.",
        "The central bank raised its key rate by a quarter of a point.",
        "My grandmother grows tomatoes and beans in her small garden.",
        "We planted roses along the fence and watered them every morning.",
        "The patient was given antibiotics for a bacterial infection.",
        "The doctor prescribed a week of rest and plenty of fluids.",
        "The new phone has a larger screen and a much better camera.",
        "This laptop's battery lasts a full day on a single charge.",
        "The children built a sandcastle at the edge of the sea.",
        "Waves washed over the beach while the kids played in the sand.",
        "The violinist tuned her instrument before the concert began.",
        "A jazz trio played softly in the corner of the restaurant.",
        "Please send me the signed contract by the end of the week.",
        "The lawyer reviewed the agreement before both parties signed it.",
    ];
}

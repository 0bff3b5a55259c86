namespace Compression.Testing;

/// <summary>
/// Fidelity for models whose output is an embedding (featurizers, sentence encoders), where there is no class to agree
/// on: the cosine of each sample's compressed embedding to its original one, and whether each sample keeps its nearest
/// neighbour among the others.
/// </summary>
public static class EmbeddingFidelity
{
    /// <summary>The cosine of two vectors; 1 when both are zero.</summary>
    public static double Cosine(ReadOnlySpan<float> a, ReadOnlySpan<float> b)
    {
        if (a.Length != b.Length) throw new ArgumentException("embeddings differ in length");
        double dot = 0, aa = 0, bb = 0;
        for (var i = 0; i < a.Length; i++)
        {
            dot += (double)a[i] * b[i];
            aa += (double)a[i] * a[i];
            bb += (double)b[i] * b[i];
        }
        return aa == 0 && bb == 0 ? 1 : dot / Math.Sqrt(aa * bb);
    }

    /// <summary>
    /// The share of samples whose nearest other sample (by cosine, the first on a tie) is the same in
    /// <paramref name="actual"/>'s embeddings as in <paramref name="reference"/>'s.
    /// </summary>
    public static double NeighbourAgreement(IReadOnlyList<float[]> reference, IReadOnlyList<float[]> actual)
    {
        if (reference.Count != actual.Count || reference.Count < 2) throw new ArgumentException("needs the same two or more samples on both sides");
        static int Nearest(IReadOnlyList<float[]> all, int i) =>
            Enumerable.Range(0, all.Count).Where(j => j != i).MaxBy(j => Cosine(all[i], all[j]));
        return Enumerable.Range(0, reference.Count).Count(i => Nearest(reference, i) == Nearest(actual, i)) / (double)reference.Count;
    }
}

namespace Compression.Engine.Pruning.Unstructured;

/// <summary>A prunable weight with its values and the importance of each element (higher is kept first).</summary>
internal sealed record ScoredWeight(PrunableWeight Weight, float[] Values, float[] Importance)
{
    /// <summary>
    /// Orders two elements by importance, then by flat index: the lower-indexed of two equally important elements is
    /// pruned first. A total order, so the mask does not depend on the sort algorithm or on threads.
    /// </summary>
    public int CompareElements(int a, int b)
    {
        var byImportance = Importance[a].CompareTo(Importance[b]);
        return byImportance != 0 ? byImportance : a.CompareTo(b);
    }
}

using Compression.Engine.Pipeline;
using Compression.Engine.Recipes;

namespace Compression.Engine.Pruning.Unstructured;

/// <summary>
/// <c>Pruning=0.5</c>: unstructured magnitude pruning. The least important fraction of each weight's elements becomes 0
/// (<c>PruningScope=layer</c>), or of all prunable elements together under one threshold on LAMP scores (<c>global</c>,
/// the default), which lets layers whose importance sits in a few weights give up more than layers that need them all. The count pruned is the fraction of the elements rounded
/// to nearest, ties to even; among equal importances the lower flat index goes first, so the mask is unique.
/// </summary>
internal sealed class MagnitudePruningPass : ICompressionPass
{
    public string Name => "prune-unstructured";

    public PassRequirements Requirements(Recipe recipe) => WeightImportance.Requirements;

    public PassReport Apply(CompressionContext context)
    {
        if (context.Recipe.Pruning is not PruningSpec.Unstructured spec)
            throw new InvalidOperationException($"{Name} runs only for an unstructured pruning recipe.");
        var (weights, basis) = WeightImportance.Score(context);
        var masks = weights.Select(w => new bool[w.Values.Length]).ToList();
        if (context.Recipe.ResolvedPruningScope == PruningScope.Layer)
        {
            for (var w = 0; w < weights.Count; w++)
            {
                var weight = weights[w];
                var order = Enumerable.Range(0, weight.Values.Length).ToArray();
                Array.Sort(order, weight.CompareElements);
                var count = Count(spec.Sparsity, order.Length);
                for (var i = 0; i < count; i++) masks[w][order[i]] = true;
            }
        }
        else
        {
            // One threshold over all layers on LAMP scores: elements ordered by score, then layer (graph order), then index.
            var lamp = weights.Select(LampScores).ToList();
            var all = new List<(int Layer, int Index)>(weights.Sum(w => w.Values.Length));
            for (var w = 0; w < weights.Count; w++)
                for (var i = 0; i < weights[w].Values.Length; i++) all.Add((w, i));
            all.Sort((a, b) =>
            {
                var byImportance = lamp[a.Layer][a.Index].CompareTo(lamp[b.Layer][b.Index]);
                if (byImportance != 0) return byImportance;
                return a.Layer != b.Layer ? a.Layer.CompareTo(b.Layer) : a.Index.CompareTo(b.Index);
            });
            var count = Count(spec.Sparsity, all.Count);
            for (var i = 0; i < count; i++) masks[all[i].Layer][all[i].Index] = true;
        }
        var scope = RecipeOptions.Word(context.Recipe.ResolvedPruningScope);
        return PrunedWeights.Write(Name, weights, masks, $"unstructured {RecipeOptions.Format(spec)} ({scope} scope)", basis);
    }

    /// <summary>
    /// LAMP's score (Lee et al., 2021) of each element: its importance squared over the sum of the squares of the
    /// elements of its layer at least as important, s = u² / Σ_{v ≥ u} v². Raw importances are not comparable across
    /// layers (a folded BatchNormalization or an activation's scale moves a whole layer up or down); LAMP's are
    /// invariant to a layer's scale, and every layer keeps its most important element (score 1). An element that must
    /// not be pruned (importance +∞) keeps +∞ and is left out of the sums.
    /// </summary>
    private static double[] LampScores(ScoredWeight weight)
    {
        var importance = weight.Importance;
        var order = Enumerable.Range(0, importance.Length).ToArray();
        Array.Sort(order, weight.CompareElements);
        var scores = new double[importance.Length];
        double above = 0;
        for (var i = order.Length - 1; i >= 0; i--)
        {
            var u = (double)importance[order[i]];
            if (double.IsPositiveInfinity(u))
            {
                scores[order[i]] = double.PositiveInfinity;
                continue;
            }
            above += u * u;
            scores[order[i]] = above > 0 ? u * u / above : 0;
        }
        return scores;
    }

    private static int Count(double sparsity, int elements) => (int)Math.Round(sparsity * elements, MidpointRounding.ToEven);
}

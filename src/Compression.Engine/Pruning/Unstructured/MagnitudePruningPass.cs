using Compression.Engine.Pipeline;
using Compression.Engine.Recipes;

namespace Compression.Engine.Pruning.Unstructured;

/// <summary>
/// <c>Pruning=0.5</c>: unstructured magnitude pruning. The least important fraction of each weight's elements becomes 0
/// (<c>PruningScope=layer</c>), or of all prunable elements together under one threshold (<c>global</c>), which lets
/// big redundant layers give up more than small sensitive ones. The count pruned is the fraction of the elements rounded
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
        if (context.Recipe.PruningScope == PruningScope.Layer)
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
            // One threshold over all layers: elements ordered by importance, then layer (graph order), then index.
            var all = new List<(int Layer, int Index)>(weights.Sum(w => w.Values.Length));
            for (var w = 0; w < weights.Count; w++)
                for (var i = 0; i < weights[w].Values.Length; i++) all.Add((w, i));
            all.Sort((a, b) =>
            {
                var byImportance = weights[a.Layer].Importance[a.Index].CompareTo(weights[b.Layer].Importance[b.Index]);
                if (byImportance != 0) return byImportance;
                return a.Layer != b.Layer ? a.Layer.CompareTo(b.Layer) : a.Index.CompareTo(b.Index);
            });
            var count = Count(spec.Sparsity, all.Count);
            for (var i = 0; i < count; i++) masks[all[i].Layer][all[i].Index] = true;
        }
        var scope = RecipeOptions.Word(context.Recipe.PruningScope);
        return PrunedWeights.Write(Name, weights, masks, $"unstructured {RecipeOptions.Format(spec)} ({scope} scope)", basis);
    }

    private static int Count(double sparsity, int elements) => (int)Math.Round(sparsity * elements, MidpointRounding.ToEven);
}

using Compression.Engine.Pipeline;
using Compression.Engine.Recipes;

namespace Compression.Engine.Pruning.Unstructured;

/// <summary>
/// <c>Pruning=2:4</c>: in every run of M consecutive weights along the reduction (<see cref="ReductionLayout"/>: a Conv's
/// C/g·k… per output channel, the K axis of Gemm and MatMul, the input channels of ConvTranspose) only the N most
/// important stay, the pattern sparse tensor cores and sparse GEMM kernels accelerate. A row whose length is not a
/// multiple of M ends in a short group that keeps min(N, its length): as if padded with zeros to M, which is how such
/// kernels pad. Ties keep the lower position.
/// </summary>
internal sealed class NOfMPruningPass : ICompressionPass
{
    public string Name => "prune-n-of-m";

    public PassRequirements Requirements(Recipe recipe) => WeightImportance.Requirements;

    public PassReport Apply(CompressionContext context)
    {
        if (context.Recipe.Pruning is not PruningSpec.NOfM spec)
            throw new InvalidOperationException($"{Name} runs only for an N:M pruning recipe.");
        var (weights, basis) = WeightImportance.Score(context);
        var masks = new List<bool[]>(weights.Count);
        var group = new int[spec.M];
        foreach (var weight in weights)
        {
            var mask = new bool[weight.Values.Length];
            foreach (var (offset, stride, length) in weight.Weight.Layout.Rows)
            {
                for (var start = 0; start < length; start += spec.M)
                {
                    var size = Math.Min(spec.M, length - start);
                    for (var j = 0; j < size; j++) group[j] = offset + (start + j) * stride;
                    // Most important first; equal importance keeps the lower index (lower flat index is lower position).
                    Array.Sort(group, 0, size, Comparer<int>.Create((a, b) =>
                    {
                        var byImportance = weight.Importance[b].CompareTo(weight.Importance[a]);
                        return byImportance != 0 ? byImportance : a.CompareTo(b);
                    }));
                    for (var j = spec.N; j < size; j++) mask[group[j]] = true;
                }
            }
            masks.Add(mask);
        }
        return PrunedWeights.Write(Name, weights, masks, $"{spec.N}:{spec.M} along the reduction axis", basis);
    }
}

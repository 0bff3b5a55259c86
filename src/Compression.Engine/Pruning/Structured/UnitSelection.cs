using Compression.Onnx.Protobuf;
using Compression.Onnx.Tensors;

namespace Compression.Engine.Pruning.Structured;

/// <summary>
/// Which units (feed-forward hidden units, attention heads) a block keeps, from their importance: layer scope removes
/// ⌊F·n⌋ of each block's n, least important first; global scope ranks every unit by its importance over its block's
/// mean (importances of different blocks are not on one scale). Every block keeps at least one unit; ties break on the
/// block, then the lower index: deterministic. Kept indices are ascending.
/// </summary>
internal static class UnitSelection
{
    public static int[] Kept(int units, double[] importance, double fraction)
    {
        var count = Math.Min(units - 1, (int)Math.Floor(fraction * units));
        var removed = Enumerable.Range(0, units).OrderBy(j => importance[j]).ThenBy(j => j).Take(count).ToHashSet();
        return Enumerable.Range(0, units).Where(j => !removed.Contains(j)).ToArray();
    }

    public static List<int[]> KeptGlobally(IReadOnlyList<int> units, IReadOnlyList<double[]> importance, double fraction)
    {
        var ranked = new List<(double Worth, int Block, int Unit)>();
        for (var b = 0; b < units.Count; b++)
        {
            var mean = importance[b].Average();
            ranked.AddRange(importance[b].Select((w, j) => (mean > 0 ? w / mean : 0, b, j)));
        }
        var removed = units.Select(_ => new HashSet<int>()).ToList();
        var count = (int)Math.Floor(fraction * ranked.Count);
        foreach (var (_, b, j) in ranked.OrderBy(r => r.Worth).ThenBy(r => r.Block).ThenBy(r => r.Unit).Take(count))
            if (removed[b].Count < units[b] - 1) removed[b].Add(j);
        return units.Select((n, b) => Enumerable.Range(0, n).Where(j => !removed[b].Contains(j)).ToArray()).ToList();
    }

    /// <summary>Σ w² per index along <paramref name="axis"/> of a 2-D weight.</summary>
    public static double[] SquaredSums(TensorProto tensor, int axis)
    {
        var (rows, cols) = (checked((int)tensor.Dims[0]), checked((int)tensor.Dims[1]));
        var values = TensorData.Read<float>(tensor);
        var sums = new double[axis == 0 ? rows : cols];
        for (var i = 0; i < values.Length; i++) sums[axis == 0 ? i / cols : i % cols] += (double)values[i] * values[i];
        return sums;
    }
}

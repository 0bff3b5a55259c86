using Compression.Evaluation.Inference;

namespace Compression.Evaluation.Kernels.MathOps;

/// <summary>
/// A parsed Einsum equation for given input ranks. Every label gets an id: the letters (case-sensitive) in order of
/// first appearance, then one id per broadcast ("...") axis, right-aligned across the operands as NumPy does. Each
/// operand lists the label id of each of its axes (a label repeated within an operand takes its diagonal). The output
/// is the explicit right-hand side, or, without "->", the broadcast axes followed by the letters that occur exactly
/// once, in ordinal (ASCII) order. The labels not in the output are summed over, in ascending id order.
/// </summary>
internal sealed class EinsumEquation
{
    private EinsumEquation(int[][] operands, int[] output, int labelCount, int[] ellipsisIds)
    {
        Operands = operands;
        Output = output;
        LabelCount = labelCount;
        EllipsisIds = ellipsisIds;
        var inOutput = new bool[labelCount];
        foreach (var id in output) inOutput[id] = true;
        Reduced = Enumerable.Range(0, labelCount).Where(id => !inOutput[id]).ToArray();
        _isEllipsis = new bool[labelCount];
        foreach (var id in ellipsisIds) _isEllipsis[id] = true;
    }

    private readonly bool[] _isEllipsis;

    public int[][] Operands { get; }

    public int[] Output { get; }

    public int[] Reduced { get; }

    public int LabelCount { get; }

    /// <summary>The ids of the broadcast axes, outermost first.</summary>
    public int[] EllipsisIds { get; }

    public static EinsumEquation Parse(string equation, IReadOnlyList<int> ranks, Func<string, Exception> fail)
    {
        var text = equation.Replace(" ", "", StringComparison.Ordinal);
        var arrow = text.IndexOf("->", StringComparison.Ordinal);
        var left = arrow >= 0 ? text[..arrow] : text;
        var right = arrow >= 0 ? text[(arrow + 2)..] : null;
        var terms = left.Split(',');
        if (terms.Length != ranks.Count) throw fail($"equation '{equation}' has {terms.Length} operands, the node has {ranks.Count} inputs");

        var letters = new List<char>();
        var ellipsisRank = 0;
        var parsed = new (List<char> Before, bool Ellipsis, List<char> After)[terms.Length];
        for (var i = 0; i < terms.Length; i++)
        {
            parsed[i] = Split(terms[i], equation, fail);
            var named = parsed[i].Before.Count + parsed[i].After.Count;
            if (parsed[i].Ellipsis)
            {
                if (named > ranks[i]) throw fail($"operand {i} ('{terms[i]}') names more axes than its rank {ranks[i]}");
                ellipsisRank = Math.Max(ellipsisRank, ranks[i] - named);
            }
            else if (named != ranks[i]) throw fail($"operand {i} ('{terms[i]}') names {named} axes, its rank is {ranks[i]}");
            foreach (var c in parsed[i].Before.Concat(parsed[i].After))
                if (!letters.Contains(c)) letters.Add(c);
        }
        var ellipsisIds = Enumerable.Range(letters.Count, ellipsisRank).ToArray();

        var operands = new int[terms.Length][];
        for (var i = 0; i < terms.Length; i++)
        {
            var (before, ellipsis, after) = parsed[i];
            var ids = before.Select(c => letters.IndexOf(c)).ToList();
            if (ellipsis)
            {
                var own = ranks[i] - before.Count - after.Count;
                ids.AddRange(ellipsisIds[(ellipsisRank - own)..]);
            }
            ids.AddRange(after.Select(c => letters.IndexOf(c)));
            operands[i] = ids.ToArray();
        }

        int[] output;
        if (right is null)
        {
            var once = letters.Where(c => parsed.Sum(p => p.Before.Count(x => x == c) + p.After.Count(x => x == c)) == 1)
                .Order().Select(c => letters.IndexOf(c));
            output = ellipsisIds.Concat(once).ToArray();
        }
        else
        {
            var (before, ellipsis, after) = Split(right, equation, fail);
            foreach (var c in before.Concat(after))
                if (!letters.Contains(c)) throw fail($"output label '{c}' does not occur in an operand");
            if (before.Concat(after).Distinct().Count() != before.Count + after.Count) throw fail("an output label repeats");
            output = before.Select(c => letters.IndexOf(c))
                .Concat(ellipsis ? ellipsisIds : [])
                .Concat(after.Select(c => letters.IndexOf(c))).ToArray();
        }
        return new EinsumEquation(operands, output, letters.Count + ellipsisRank, ellipsisIds);
    }

    private static (List<char> Before, bool Ellipsis, List<char> After) Split(string term, string equation, Func<string, Exception> fail)
    {
        var dots = term.IndexOf("...", StringComparison.Ordinal);
        var before = dots >= 0 ? term[..dots] : term;
        var after = dots >= 0 ? term[(dots + 3)..] : "";
        foreach (var c in before + after)
            if (!char.IsAsciiLetter(c)) throw fail($"equation '{equation}' has the character '{c}' in a term");
        return (before.ToList(), dots >= 0, after.ToList());
    }

    /// <summary>
    /// Each label's size from the operands' shapes: equal wherever the label occurs, except that broadcast axes of size 1
    /// stretch to the others. Null when a label's sizes conflict.
    /// </summary>
    public long[]? Sizes(IReadOnlyList<int[]> shapes, out string? conflict)
    {
        var sizes = new long[LabelCount];
        Array.Fill(sizes, -1);
        conflict = null;
        var isEllipsis = _isEllipsis;
        for (var i = 0; i < Operands.Length; i++)
            for (var a = 0; a < Operands[i].Length; a++)
            {
                var id = Operands[i][a];
                long size = shapes[i][a];
                if (sizes[id] < 0 || (isEllipsis[id] && sizes[id] == 1)) sizes[id] = size;
                else if (sizes[id] != size && !(isEllipsis[id] && size == 1))
                {
                    conflict = $"axis {a} of operand {i} has size {size}, another axis with its label has {sizes[id]}";
                    return null;
                }
            }
        for (var id = 0; id < LabelCount; id++) if (sizes[id] < 0) sizes[id] = 1;
        return sizes;
    }

    /// <summary>The output's dims for inference: a label's known size where some operand knows it, else unknown.</summary>
    public Dim[] InferOutput(IReadOnlyList<Dim[]> shapes)
    {
        var sizes = new Dim[LabelCount];
        Array.Fill(sizes, Dim.Unknown);
        var isEllipsis = _isEllipsis;
        for (var i = 0; i < Operands.Length; i++)
            for (var a = 0; a < Operands[i].Length; a++)
            {
                var dim = shapes[i][a];
                var id = Operands[i][a];
                // A known size beats a symbol, a symbol beats nothing; a broadcast axis of size 1 says nothing about
                // the other operands' size.
                var current = sizes[id];
                if (dim.IsKnown ? !current.IsKnown || (isEllipsis[id] && current.Value == 1) : !current.IsKnown && current.Symbol is null)
                    sizes[id] = dim;
            }
        return Output.Select(id => sizes[id]).ToArray();
    }
}

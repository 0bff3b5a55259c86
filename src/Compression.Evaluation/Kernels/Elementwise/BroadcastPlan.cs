using Compression.Evaluation.Tensors;

namespace Compression.Evaluation.Kernels.Elementwise;

/// <summary>
/// How operands of a broadcast map onto the output, reduced to the fewest axes: axes of extent 1 are dropped and
/// neighbouring axes merged wherever every operand is contiguous (or broadcast) across both. Equal shapes become one
/// contiguous run, a scalar or per-channel operand becomes a run with step 0, so the inner loops stay long and simple.
/// </summary>
internal sealed class BroadcastPlan
{
    private BroadcastPlan(int[] dims, int[][] strides, int count)
    {
        Dims = dims;
        Strides = strides;
        Count = count;
    }

    /// <summary>Extents of the merged axes, outermost first; never empty (a scalar is one axis of extent 1).</summary>
    public int[] Dims { get; }

    /// <summary>Per operand, its step along each merged axis (0 where it is broadcast).</summary>
    public int[][] Strides { get; }

    public int Count { get; }

    public int Inner => Dims[^1];

    public int Runs => Count / Math.Max(Inner, 1);

    public static BroadcastPlan Create(int[] output, params int[][] operands)
    {
        var count = ShapeMath.ElementCount(output);
        var full = new int[operands.Length][];
        for (var k = 0; k < operands.Length; k++) full[k] = Broadcasting.BroadcastStrides(operands[k], output);

        var dims = new List<int>(output.Length);
        var strides = new List<int>[operands.Length];
        for (var k = 0; k < operands.Length; k++) strides[k] = new List<int>(output.Length);
        // From the innermost axis outwards, merging an axis into the one inside it when every operand steps over the
        // inner axis exactly as far as one step of the outer axis (a broadcast operand steps 0 across both).
        for (var axis = output.Length - 1; axis >= 0; axis--)
        {
            var d = output[axis];
            if (d == 1) continue;
            var last = dims.Count - 1;
            var merge = last >= 0;
            for (var k = 0; k < operands.Length && merge; k++)
                merge = full[k][axis] == strides[k][last] * dims[last];
            if (merge)
            {
                dims[last] *= d;
                continue;
            }
            dims.Add(d);
            for (var k = 0; k < operands.Length; k++) strides[k].Add(full[k][axis]);
        }
        if (dims.Count == 0)
        {
            dims.Add(1);
            for (var k = 0; k < operands.Length; k++) strides[k].Add(0);
        }
        dims.Reverse();
        var result = new int[operands.Length][];
        for (var k = 0; k < operands.Length; k++)
        {
            strides[k].Reverse();
            result[k] = strides[k].ToArray();
        }
        return new BroadcastPlan(dims.ToArray(), result, count);
    }

    /// <summary>Each operand's offset at the start of run <paramref name="run"/> (runs are rows of the inner axis).</summary>
    public void Offsets(int run, Span<int> index, Span<int> offsets)
    {
        offsets.Clear();
        for (var axis = Dims.Length - 2; axis >= 0; axis--)
        {
            var i = run % Dims[axis];
            run /= Dims[axis];
            index[axis] = i;
            for (var k = 0; k < offsets.Length; k++) offsets[k] += i * Strides[k][axis];
        }
    }

    /// <summary>Moves the multi-index over the outer axes to the next run, updating the operand offsets.</summary>
    public void Advance(Span<int> index, Span<int> offsets)
    {
        for (var axis = Dims.Length - 2; axis >= 0; axis--)
        {
            index[axis]++;
            for (var k = 0; k < offsets.Length; k++) offsets[k] += Strides[k][axis];
            if (index[axis] < Dims[axis]) return;
            for (var k = 0; k < offsets.Length; k++) offsets[k] -= Strides[k][axis] * Dims[axis];
            index[axis] = 0;
        }
    }
}

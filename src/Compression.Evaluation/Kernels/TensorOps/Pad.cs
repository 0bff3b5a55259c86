using Compression.Evaluation.Execution;
using Compression.Evaluation.Inference;
using Compression.Evaluation.Tensors;

namespace Compression.Evaluation.Kernels.TensorOps;

/// <summary>
/// Pad (2 with pads/value attributes; 11, 13 with the pads and optional constant_value inputs): adds pads[d] elements
/// before and pads[d + rank] after each axis d (negative pads crop), filled by mode constant (the value, default 0),
/// reflect (mirrored without repeating the edge) or edge (the edge repeated); 18: the optional axes input names the
/// axes the pads apply to (pads then has 2·len(axes) entries); 19: mode wrap (the axis repeated cyclically); 21 adds
/// element types only.
/// </summary>
internal sealed class Pad : IKernel
{
    public IReadOnlyList<ValueInfo> Infer(InferenceContext context)
    {
        var input = context.Input(0);
        var type = input?.ElementType ?? default;
        if (input?.Shape is null) return [new ValueInfo(type, null)];
        var rank = input.Shape.Length;
        var pads = context.OperatorVersion < 11 ? context.Attributes.GetInts("pads") : TensorValues.ConstantLongs(context, 1);
        if (context.OperatorVersion >= 18 && context.HasInput(3))
        {
            var axes = TensorValues.ConstantLongs(context, 3);
            pads = axes is null || pads is null ? null : FullPads(pads, axes, rank, context.Fail);
        }
        if (pads is null || pads.Length != 2 * rank) return [new ValueInfo(type, TensorValues.Unknown(rank))];
        return [new ValueInfo(type, input.Shape.Select((d, i) => pads[i] + pads[i + rank] == 0 ? d : d.IsKnown ? (Dim)(d.Value + pads[i] + pads[i + rank]) : Dim.Unknown).ToArray())];
    }

    public void Execute(KernelContext context)
    {
        var input = context.Input(0);
        var rank = input.Rank;
        var pads = (context.OperatorVersion < 11 ? context.Attributes.GetInts("pads") : TensorValues.Longs(context, 1))
            ?? throw context.Fail("pads are required");
        if (context.OperatorVersion >= 18 && TensorValues.Longs(context, 3) is { } axes) pads = FullPads(pads, axes, rank, context.Fail);
        if (pads.Length != 2 * rank) throw context.Fail($"pads has {pads.Length} entries, rank {rank} needs {2 * rank}");
        var mode = context.Attributes.GetString("mode", "constant");
        if (mode == "wrap" && context.OperatorVersion < 19) throw context.Fail("mode 'wrap' needs Pad version 19");
        Array value;
        if (context.OperatorVersion < 11) value = TensorValues.ScalarArray(input.ElementType, context.Attributes.GetFloat("value", 0));
        else if (context.OptionalInput(2) is { Length: > 0 } given) value = given.Data;
        else value = TensorValues.ScalarArray(input.ElementType, 0);

        var shape = new int[rank];
        var maps = new int[rank][];
        for (var d = 0; d < rank; d++)
        {
            var extent = input.Shape[d];
            shape[d] = checked((int)(extent + pads[d] + pads[d + rank]));
            if (shape[d] < 0) throw context.Fail($"pads [{string.Join(", ", pads)}] make axis {d} negative");
            var map = maps[d] = new int[shape[d]];
            for (var o = 0; o < map.Length; o++)
                map[o] = Source(o - pads[d], extent, mode) ?? throw context.Fail($"mode '{mode}' cannot pad an axis of extent {extent}");
        }
        var output = context.Allocate(input.ElementType, shape);
        if (output.Length > 0)
        {
            if (rank == 0) Array.Copy(input.Data, output.Data, 1);
            else ElementDispatch.Run(input.Data, output.Data, new MappedGather(maps, ShapeMath.Strides(input.Shape), shape, value));
        }
        context.SetOutput(0, output);
    }

    /// <summary>The input coordinate an output coordinate reads, -1 for the constant, null when the mode cannot apply.</summary>
    private static int? Source(long c, int extent, string mode)
    {
        if (c >= 0 && c < extent) return (int)c;
        switch (mode)
        {
            case "constant": return -1;
            case "edge": return extent == 0 ? null : (int)Math.Clamp(c, 0, extent - 1);
            case "reflect":
                if (extent == 0) return null;
                if (extent == 1) return 0;
                var period = 2L * (extent - 1);
                var m = ((c % period) + period) % period;
                return (int)(m < extent ? m : period - m);
            case "wrap": return extent == 0 ? null : (int)(((c % extent) + extent) % extent);
            default: return null;
        }
    }

    /// <summary>Pads for every axis from pads for the listed axes (begins then ends, in the order of the axes).</summary>
    private static long[] FullPads(long[] pads, long[] axes, int rank, Func<string, KernelException> fail)
    {
        if (pads.Length != 2 * axes.Length) throw fail($"pads has {pads.Length} entries for {axes.Length} axes");
        var full = new long[2 * rank];
        for (var i = 0; i < axes.Length; i++)
        {
            var axis = ShapeMath.NormalizeAxis(axes[i], rank);
            full[axis] = pads[i];
            full[axis + rank] = pads[i + axes.Length];
        }
        return full;
    }

    /// <summary>
    /// Fills an output whose coordinate on each axis reads one input coordinate (a per-axis map), or the fill value
    /// where any axis maps to -1; shared with nearest-neighbour Resize.
    /// </summary>
    internal readonly struct MappedGather(int[][] maps, int[] strides, int[] shape, Array value) : IElementMove
    {
        public void Run<T>(T[] source, T[] destination)
        {
            var fill = ((T[])value)[0];
            var rank = shape.Length;
            var inner = maps[rank - 1];
            var rows = ShapeMath.ElementCount(shape) / shape[rank - 1];
            var index = new int[rank - 1];
            var o = 0;
            var previous = -1;
            for (var r = 0; r < rows; r++)
            {
                var from = 0;
                for (var d = 0; d < rank - 1 && from >= 0; d++)
                {
                    var m = maps[d][index[d]];
                    from = m < 0 ? -1 : from + m * strides[d];
                }
                if (from < 0)
                {
                    Array.Fill(destination, fill, o, inner.Length);
                    o += inner.Length;
                }
                else if (r > 0 && from == previous)
                {
                    // The row just written reads the same input row (nearest upsampling, edge padding): copy it.
                    Array.Copy(destination, o - inner.Length, destination, o, inner.Length);
                    o += inner.Length;
                }
                else
                    foreach (var m in inner) destination[o++] = m < 0 ? fill : source[from + m];
                previous = from;
                for (var d = rank - 2; d >= 0; d--)
                {
                    if (++index[d] < shape[d]) break;
                    index[d] = 0;
                }
            }
        }
    }
}

using Compression.Evaluation.Execution;
using Compression.Evaluation.Inference;
using Compression.Evaluation.Tensors;

namespace Compression.Evaluation.Kernels.TensorOps;

/// <summary>
/// Slice (1 with starts/ends/axes attributes; 10, 11, 13 with inputs starts, ends, axes, steps): per axis, the elements
/// start, start+step, ... short of end. Negative starts/ends count from the end; both are clamped to the axis (to
/// [0, d] for positive steps, to [0, d-1] and [-1, d-1] for negative ones), so INT64_MAX means "to the end".
/// </summary>
internal sealed class Slice : IKernel
{
    public IReadOnlyList<ValueInfo> Infer(InferenceContext context)
    {
        var input = context.Input(0);
        var type = input?.ElementType ?? default;
        if (input?.Shape is null) return [new ValueInfo(type, null)];
        var rank = input.Shape.Length;
        var args = Arguments(context.OperatorVersion, context.Attributes, i => TensorValues.ConstantLongs(context, i), context.HasInput);
        if (args is not var (starts, ends, axes, steps))
        {
            // Without constant bounds only the rank is known (and the axes, when given, that stay whole).
            return [new ValueInfo(type, TensorValues.Unknown(rank))];
        }
        var dims = (Dim[])input.Shape.Clone();
        for (var i = 0; i < starts.Length; i++)
        {
            var axis = ShapeMath.NormalizeAxis(axes is null ? i : axes[i], rank);
            var step = steps is null ? 1 : steps[i];
            if (!input.Shape[axis].IsKnown)
            {
                dims[axis] = Dim.Unknown;
                continue;
            }
            var (_, count) = Range(starts[i], ends[i], step, input.Shape[axis].Value);
            dims[axis] = count;
        }
        return [new ValueInfo(type, dims)];
    }

    public void Execute(KernelContext context)
    {
        var input = context.Input(0);
        var args = Arguments(context.OperatorVersion, context.Attributes, i => TensorValues.Longs(context, i), i => context.OptionalInput(i) is not null)
            ?? throw context.Fail("starts and ends are required");
        var (starts, ends, axes, steps) = args;
        if (starts.Length != ends.Length || axes is not null && axes.Length != starts.Length || steps is not null && steps.Length != starts.Length)
            throw context.Fail("starts, ends, axes and steps must have the same length");
        var rank = input.Rank;
        var begin = new int[rank];
        var stepOf = new int[rank];
        var shape = (int[])input.Shape.Clone();
        Array.Fill(stepOf, 1);
        var seen = new bool[rank];
        for (var i = 0; i < starts.Length; i++)
        {
            var axis = Squeeze.Normalize(context, axes is null ? i : axes[i], rank);
            if (seen[axis]) throw context.Fail($"axis {axis} is sliced twice");
            seen[axis] = true;
            var step = steps is null ? 1 : steps[i];
            if (step == 0) throw context.Fail("a step is 0");
            var (start, count) = Range(starts[i], ends[i], step, input.Shape[axis]);
            begin[axis] = (int)start;
            stepOf[axis] = checked((int)step);
            shape[axis] = (int)count;
        }
        var output = context.Allocate(input.ElementType, shape);
        if (output.Length > 0)
        {
            var strides = ShapeMath.Strides(input.Shape);
            var offset = 0;
            var jumps = new int[rank];
            for (var d = 0; d < rank; d++)
            {
                offset += begin[d] * strides[d];
                jumps[d] = stepOf[d] * strides[d];
            }
            if (rank == 0) Array.Copy(input.Data, output.Data, 1);
            else ElementDispatch.Run(input.Data, output.Data, new Strided(shape, jumps, offset));
        }
        context.SetOutput(0, output);
    }

    /// <summary>The clamped start and the element count of one sliced axis.</summary>
    internal static (long Start, long Count) Range(long start, long end, long step, long dim)
    {
        if (dim == 0) return (0, 0);
        if (start < 0) start += dim;
        if (end < 0) end += dim;
        if (step > 0)
        {
            start = Math.Clamp(start, 0, dim);
            end = Math.Clamp(end, 0, dim);
            return (start, Math.Max(0, (end - start + step - 1) / step));
        }
        start = Math.Clamp(start, 0, dim - 1);
        end = Math.Clamp(end, -1, dim - 1);
        return (start, Math.Max(0, (start - end + (-step) - 1) / -step));
    }

    private static (long[] Starts, long[] Ends, long[]? Axes, long[]? Steps)? Arguments(int version, NodeAttributes attributes,
        Func<int, long[]?> input, Func<int, bool> hasInput)
    {
        if (version < 10)
            return attributes.GetInts("starts") is { } s && attributes.GetInts("ends") is { } e ? (s, e, attributes.GetInts("axes"), null) : null;
        var starts = input(1);
        var ends = input(2);
        if (starts is null || ends is null) return null;
        var axes = hasInput(3) ? input(3) : null;
        var steps = hasInput(4) ? input(4) : null;
        if (hasInput(3) && axes is null || hasInput(4) && steps is null) return null;
        return (starts, ends, axes, steps);
    }

    /// <summary>Copies a strided sub-block: every output element once, in row-major order.</summary>
    internal readonly struct Strided(int[] shape, int[] jumps, int offset) : IElementMove
    {
        public void Run<T>(T[] source, T[] destination)
        {
            var rank = shape.Length;
            var inner = shape[rank - 1];
            var step = jumps[rank - 1];
            var outer = ShapeMath.ElementCount(shape) / inner;
            var index = new int[rank - 1];
            var from = offset;
            var o = 0;
            for (var run = 0; run < outer; run++)
            {
                if (step == 1)
                {
                    Array.Copy(source, from, destination, o, inner);
                    o += inner;
                }
                else
                    for (int i = 0, s = from; i < inner; i++, s += step) destination[o++] = source[s];
                for (var axis = rank - 2; axis >= 0; axis--)
                {
                    index[axis]++;
                    from += jumps[axis];
                    if (index[axis] < shape[axis]) break;
                    from -= jumps[axis] * shape[axis];
                    index[axis] = 0;
                }
            }
        }
    }
}

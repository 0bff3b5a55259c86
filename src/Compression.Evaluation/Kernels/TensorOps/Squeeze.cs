using Compression.Evaluation.Execution;
using Compression.Evaluation.Inference;
using Compression.Evaluation.Tensors;

namespace Compression.Evaluation.Kernels.TensorOps;

/// <summary>
/// Squeeze (1, 11 with the <c>axes</c> attribute, negative from 11; 13 with the optional axes input): removes the listed
/// extent-1 axes, or every extent-1 axis when none are listed. The output shares the input's array.
/// </summary>
internal sealed class Squeeze : IKernel
{
    public IReadOnlyList<ValueInfo> Infer(InferenceContext context)
    {
        var input = context.Input(0);
        var type = input?.ElementType ?? default;
        if (input?.Shape is null) return [new ValueInfo(type, null)];
        var rank = input.Shape.Length;
        long[]? axes;
        if (context.OperatorVersion >= 13)
        {
            if (context.HasInput(1) && TensorValues.ConstantLongs(context, 1) is null) return [new ValueInfo(type, null)];
            axes = context.HasInput(1) ? TensorValues.ConstantLongs(context, 1) : null;
        }
        else axes = context.Attributes.GetInts("axes");
        if (axes is null || axes.Length == 0)
        {
            if (input.Shape.Any(d => !d.IsKnown)) return [new ValueInfo(type, null)];
            return [new ValueInfo(type, input.Shape.Where(d => d.Value != 1).ToArray())];
        }
        var drop = axes.Select(a => ShapeMath.NormalizeAxis(a, rank)).ToHashSet();
        return [new ValueInfo(type, input.Shape.Where((_, i) => !drop.Contains(i)).ToArray())];
    }

    public void Execute(KernelContext context)
    {
        var input = context.Input(0);
        var axes = context.OperatorVersion >= 13 ? TensorValues.Longs(context, 1) : context.Attributes.GetInts("axes");
        var drop = new bool[input.Rank];
        if (axes is null || axes.Length == 0)
            for (var i = 0; i < input.Rank; i++) drop[i] = input.Shape[i] == 1;
        else
            foreach (var a in axes)
            {
                var axis = Normalize(context, a, input.Rank);
                if (input.Shape[axis] != 1) throw context.Fail($"axis {a} has extent {input.Shape[axis]}, not 1");
                drop[axis] = true;
            }
        var shape = new List<int>();
        for (var i = 0; i < input.Rank; i++) if (!drop[i]) shape.Add(input.Shape[i]);
        context.SetOutput(0, input.WithShape(shape.ToArray()));
    }

    internal static int Normalize(KernelContext context, long axis, int rank)
    {
        var a = axis < 0 ? axis + rank : axis;
        if (a < 0 || a >= rank) throw context.Fail($"axis {axis} is out of range for rank {rank}");
        return (int)a;
    }
}

using Compression.Evaluation.Execution;
using Compression.Evaluation.Inference;

namespace Compression.Evaluation.Kernels.TensorOps;

/// <summary>
/// Unsqueeze (1, 11 with the <c>axes</c> attribute, negative from 11; 13 with the axes input): inserts extent-1 axes
/// at the listed positions of the output. The output shares the input's array.
/// </summary>
internal sealed class Unsqueeze : IKernel
{
    public IReadOnlyList<ValueInfo> Infer(InferenceContext context)
    {
        var input = context.Input(0);
        var type = input?.ElementType ?? default;
        var axes = context.OperatorVersion >= 13 ? TensorValues.ConstantLongs(context, 1) : context.Attributes.GetInts("axes");
        if (input?.Shape is null || axes is null) return [new ValueInfo(type, null)];
        var inserted = Inserted(axes, input.Shape.Length + axes.Length, context.Fail);
        var dims = new Dim[inserted.Length];
        for (int i = 0, j = 0; i < dims.Length; i++) dims[i] = inserted[i] ? 1 : input.Shape[j++];
        return [new ValueInfo(type, dims)];
    }

    public void Execute(KernelContext context)
    {
        var input = context.Input(0);
        var axes = (context.OperatorVersion >= 13 ? TensorValues.Longs(context, 1) : context.Attributes.GetInts("axes"))
            ?? throw context.Fail("axes are required");
        var inserted = Inserted(axes, input.Rank + axes.Length, context.Fail);
        var shape = new int[inserted.Length];
        for (int i = 0, j = 0; i < shape.Length; i++) shape[i] = inserted[i] ? 1 : input.Shape[j++];
        context.SetOutput(0, input.WithShape(shape));
    }

    private static bool[] Inserted(long[] axes, int rank, Func<string, KernelException> fail)
    {
        var inserted = new bool[rank];
        foreach (var a in axes)
        {
            var axis = a < 0 ? a + rank : a;
            if (axis < 0 || axis >= rank || inserted[axis]) throw fail($"axis {a} is out of range or repeated for output rank {rank}");
            inserted[axis] = true;
        }
        return inserted;
    }
}

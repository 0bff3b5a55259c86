using Compression.Evaluation.Execution;
using Compression.Evaluation.Inference;

namespace Compression.Evaluation.Kernels.TensorOps;

/// <summary>Flatten (1, 9, 11, 13): a 2-D view [d0·…·d(axis-1), d(axis)·…]; axis may be negative from version 11.</summary>
internal sealed class Flatten : IKernel
{
    public IReadOnlyList<ValueInfo> Infer(InferenceContext context)
    {
        var input = context.Input(0);
        if (input?.Shape is null) return [new ValueInfo(input?.ElementType ?? default, TensorValues.Unknown(2))];
        var axis = Axis(context.Attributes, input.Shape.Length, context.Fail);
        return [new ValueInfo(input.ElementType, [TensorValues.Product(input.Shape.AsSpan(0, axis)), TensorValues.Product(input.Shape.AsSpan(axis))])];
    }

    public void Execute(KernelContext context)
    {
        var input = context.Input(0);
        var axis = Axis(context.Attributes, input.Rank, context.Fail);
        var outer = 1;
        for (var i = 0; i < axis; i++) outer *= input.Shape[i];
        var inner = 1;
        for (var i = axis; i < input.Rank; i++) inner *= input.Shape[i];
        context.SetOutput(0, input.WithShape([outer, inner]));
    }

    private static int Axis(NodeAttributes attributes, int rank, Func<string, KernelException> fail)
    {
        var axis = attributes.GetInt("axis", 1);
        if (axis < 0) axis += rank;
        if (axis < 0 || axis > rank) throw fail($"axis {attributes.GetInt("axis", 1)} is out of range for rank {rank}");
        return (int)axis;
    }
}

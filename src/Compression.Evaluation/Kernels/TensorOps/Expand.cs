using Compression.Evaluation.Execution;
using Compression.Evaluation.Inference;
using Compression.Evaluation.Kernels.Elementwise;
using Compression.Evaluation.Tensors;

namespace Compression.Evaluation.Kernels.TensorOps;

/// <summary>
/// Expand (8, 13): broadcasts the input against the given shape in both directions (a 1 in the shape keeps the
/// input's extent), so the output shape is the broadcast of the two.
/// </summary>
internal sealed class Expand : IKernel
{
    public IReadOnlyList<ValueInfo> Infer(InferenceContext context)
    {
        var input = context.Input(0);
        var type = input?.ElementType ?? default;
        if (TensorValues.ConstantLongs(context, 1) is { } shape)
            return [new ValueInfo(type, Broadcasting.Infer(input?.Shape, shape.Select(d => (Dim)d).ToArray()))];
        var rank = context.Input(1)?.Shape is [{ IsKnown: true } n] ? (int)n.Value : -1;
        if (rank < 0 || input?.Shape is null) return [new ValueInfo(type, null)];
        // Unknown shape values still leave every input extent other than 1 in place.
        return [new ValueInfo(type, Broadcasting.Infer(input.Shape, TensorValues.Unknown(rank)))];
    }

    public void Execute(KernelContext context)
    {
        var input = context.Input(0);
        var requested = TensorValues.Ints(TensorValues.Longs(context, 1)!);
        var shape = ShapeMath.Broadcast(input.Shape, requested)
            ?? throw context.Fail($"{ShapeMath.Format(input.Shape)} does not broadcast to {ShapeMath.Format(requested)}");
        var output = context.Allocate(input.ElementType, shape);
        if (output.Length > 0) ElementDispatch.Run(input.Data, output.Data, new Move(input.Shape, shape));
        context.SetOutput(0, output);
    }

    private readonly struct Move(int[] inputShape, int[] outputShape) : IElementMove
    {
        public void Run<T>(T[] source, T[] destination)
        {
            Broadcasting.ForEachRun(inputShape, inputShape, outputShape, (o, start, step, _, _, n) =>
            {
                if (step == 0) Array.Fill(destination, source[start], o, n);
                else Array.Copy(source, start, destination, o, n);
            });
        }
    }
}

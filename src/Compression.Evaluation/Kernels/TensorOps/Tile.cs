using Compression.Evaluation.Execution;
using Compression.Evaluation.Inference;
using Compression.Evaluation.Tensors;

namespace Compression.Evaluation.Kernels.TensorOps;

/// <summary>Tile (6, 13): repeats the input repeats[d] times along each axis d.</summary>
internal sealed class Tile : IKernel
{
    public IReadOnlyList<ValueInfo> Infer(InferenceContext context)
    {
        var input = context.Input(0);
        var type = input?.ElementType ?? default;
        if (input?.Shape is null) return [new ValueInfo(type, null)];
        if (TensorValues.ConstantLongs(context, 1) is not { } repeats || repeats.Length != input.Shape.Length)
            return [new ValueInfo(type, TensorValues.Unknown(input.Shape.Length))];
        return [new ValueInfo(type, input.Shape.Select((d, i) => repeats[i] == 1 ? d : d.IsKnown ? (Dim)(d.Value * repeats[i]) : Dim.Unknown).ToArray())];
    }

    public void Execute(KernelContext context)
    {
        var input = context.Input(0);
        var repeats = TensorValues.Longs(context, 1)!;
        if (repeats.Length != input.Rank || repeats.Any(r => r < 0))
            throw context.Fail($"repeats [{string.Join(", ", repeats)}] do not fit rank {input.Rank}");
        var shape = input.Shape.Select((d, i) => checked((int)(d * repeats[i]))).ToArray();
        var output = context.Allocate(input.ElementType, shape);
        if (output.Length > 0)
        {
            if (input.Rank == 0) Array.Copy(input.Data, output.Data, 1);
            else ElementDispatch.Run(input.Data, output.Data, new Move(input.Shape, shape));
        }
        context.SetOutput(0, output);
    }

    private readonly struct Move(int[] inputShape, int[] outputShape) : IElementMove
    {
        public void Run<T>(T[] source, T[] destination)
        {
            // Each output row (all axes but the last) is the matching input row, repeated along the last axis.
            var rank = inputShape.Length;
            var strides = ShapeMath.Strides(inputShape);
            var row = inputShape[rank - 1];
            var outRow = outputShape[rank - 1];
            var rows = ShapeMath.ElementCount(outputShape) / outRow;
            var index = new int[rank - 1];
            var from = 0;
            for (var r = 0; r < rows; r++)
            {
                for (var o = 0; o < outRow; o += row) Array.Copy(source, from, destination, r * outRow + o, row);
                for (var d = rank - 2; d >= 0; d--)
                {
                    index[d]++;
                    from += strides[d];
                    if (index[d] % inputShape[d] == 0) from -= strides[d] * inputShape[d];
                    if (index[d] < outputShape[d]) break;
                    index[d] = 0;
                }
            }
        }
    }
}

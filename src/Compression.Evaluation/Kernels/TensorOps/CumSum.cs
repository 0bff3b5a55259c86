using System.Numerics;
using Compression.Evaluation.Execution;
using Compression.Evaluation.Inference;
using Compression.Evaluation.Tensors;

namespace Compression.Evaluation.Kernels.TensorOps;

/// <summary>
/// CumSum (11; 14 float16 and bfloat16): running sums along the axis given by a scalar int32/int64 input, optionally
/// excluding each element itself (exclusive) and running from the end (reverse). Each sum is accumulated in the
/// element type, one element after another along the axis, as ONNX Runtime does.
/// </summary>
internal sealed class CumSum : IKernel
{
    public IReadOnlyList<ValueInfo> Infer(InferenceContext context) =>
        [new ValueInfo(context.Input(0)?.ElementType ?? default, context.Input(0)?.Shape)];

    public void Execute(KernelContext context)
    {
        var input = context.Input(0);
        var axisValues = TensorValues.Longs(context, 1) ?? throw context.Fail("axis is required");
        if (axisValues.Length != 1) throw context.Fail("axis must hold one value");
        if (input.Rank == 0) throw context.Fail("cannot take a cumulative sum of a scalar");
        var axis = ShapeMath.NormalizeAxis(axisValues[0], input.Rank);
        var exclusive = context.Attributes.GetInt("exclusive", 0) != 0;
        var reverse = context.Attributes.GetInt("reverse", 0) != 0;
        var output = context.Allocate(input.ElementType, (int[])input.Shape.Clone());
        var outer = 1;
        for (var d = 0; d < axis; d++) outer *= input.Shape[d];
        var inner = 1;
        for (var d = axis + 1; d < input.Rank; d++) inner *= input.Shape[d];
        var run = new Run(outer, input.Shape[axis], inner, exclusive, reverse);
        switch (input.Data)
        {
            case float[] x: run.Sum(x, (float[])output.Data); break;
            case double[] x: run.Sum(x, (double[])output.Data); break;
            case Half[] x: run.Sum(x, (Half[])output.Data); break;
            case int[] x: run.Sum(x, (int[])output.Data); break;
            case long[] x: run.Sum(x, (long[])output.Data); break;
            case uint[] x: run.Sum(x, (uint[])output.Data); break;
            case ulong[] x: run.Sum(x, (ulong[])output.Data); break;
            default: throw context.Fail($"element type {input.ElementType} is not supported");
        }
        context.SetOutput(0, output);
    }

    private readonly record struct Run(int Outer, int Extent, int Inner, bool Exclusive, bool Reverse)
    {
        public void Sum<T>(T[] x, T[] y) where T : INumberBase<T>
        {
            for (var o = 0; o < Outer; o++)
                for (var i = 0; i < Inner; i++)
                {
                    var acc = T.Zero;
                    var start = o * Extent * Inner + i;
                    for (var s = 0; s < Extent; s++)
                    {
                        var at = start + (Reverse ? Extent - 1 - s : s) * Inner;
                        if (Exclusive)
                        {
                            y[at] = acc;
                            acc += x[at];
                        }
                        else
                        {
                            acc += x[at];
                            y[at] = acc;
                        }
                    }
                }
        }
    }
}

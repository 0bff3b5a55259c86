using System.Numerics;
using Compression.Evaluation.Execution;
using Compression.Evaluation.Inference;
using Compression.Evaluation.Tensors;
using DataType = Compression.Onnx.Protobuf.TensorProto.Types.DataType;

namespace Compression.Evaluation.Kernels.Reduction;

/// <summary>
/// ReduceSum, ReduceMean, ReduceMax, ReduceMin, ReduceProd, ReduceSumSquare, ReduceL1, ReduceL2, ReduceLogSum,
/// ReduceLogSumExp (axes attribute, or from <paramref name="axesInputFrom"/> on the axes input with
/// noop_with_empty_axes; keepdims default 1; ReduceMax/ReduceMin of bool from 20). Each output
/// element adds its inputs sequentially in row-major order of the reduced axes (floating types in double, rounded
/// once); threads split only the output elements, so the result does not depend on the thread count.
/// </summary>
internal sealed class Reduce<TOp>(int axesInputFrom = int.MaxValue) : IKernel where TOp : struct, IReduceOperation
{
    public IReadOnlyList<ValueInfo> Infer(InferenceContext context)
    {
        var input = context.Input(0);
        var type = input?.ElementType ?? default;
        if (input?.Shape is null) return [new ValueInfo(type, null)];
        var keepDims = context.Attributes.GetInt("keepdims", 1) != 0;
        var fromInput = context.OperatorVersion >= axesInputFrom;
        var reduced = ReductionShape.Axes(context.Attributes, fromInput, context.HasInput(1) ? Tensors(context) : null,
            context.HasInput(1), input.Shape.Length, context.Fail);
        if (reduced is null) return [new ValueInfo(type, keepDims ? TensorOps.TensorValues.Unknown(input.Shape.Length) : null)];
        return [new ValueInfo(type, ReductionShape.Infer(input.Shape, reduced, keepDims))];
    }

    private static long[]? Tensors(InferenceContext context) => TensorOps.TensorValues.ConstantLongs(context, 1);

    public void Execute(KernelContext context)
    {
        var input = context.Input(0);
        var keepDims = context.Attributes.GetInt("keepdims", 1) != 0;
        var fromInput = context.OperatorVersion >= axesInputFrom;
        var axesInput = fromInput ? TensorOps.TensorValues.Longs(context, 1) : null;
        var reduced = ReductionShape.Axes(context.Attributes, fromInput, axesInput, axesInput is not null, input.Rank, context.Fail)!;
        var output = context.Allocate(input.ElementType, ReductionShape.Output(input.Shape, reduced, keepDims));
        if (output.Length > 0)
        {
            var (bases, offsets) = ReductionShape.Offsets(input.Shape, reduced);
            var par = context.Parallelism;
            // Outputs that differ only along the trailing kept axes read neighbouring inputs: done together, so the
            // reads are sequential (reducing channels of NCHW). Each output still adds its inputs in the same order.
            var group = 1;
            for (var d = input.Rank - 1; d >= 0 && !reduced[d]; d--) group *= input.Shape[d];
            switch (input.Data)
            {
                case float[] x: Floating(x, (float[])output.Data, bases, offsets, group, par); break;
                case double[] x: Floating(x, (double[])output.Data, bases, offsets, group, par); break;
                case Half[] x: Floating(x, (Half[])output.Data, bases, offsets, group, par); break;
                case int[] x when TOp.IntegersInDouble: Floating(x, (int[])output.Data, bases, offsets, 1, par); break;
                case long[] x when TOp.IntegersInDouble: Floating(x, (long[])output.Data, bases, offsets, 1, par); break;
                case uint[] x when TOp.IntegersInDouble: Floating(x, (uint[])output.Data, bases, offsets, 1, par); break;
                case ulong[] x when TOp.IntegersInDouble: Floating(x, (ulong[])output.Data, bases, offsets, 1, par); break;
                case int[] x: Integer(x, (int[])output.Data, bases, offsets, par); break;
                case long[] x: Integer(x, (long[])output.Data, bases, offsets, par); break;
                case uint[] x: Integer(x, (uint[])output.Data, bases, offsets, par); break;
                case ulong[] x: Integer(x, (ulong[])output.Data, bases, offsets, par); break;
                case sbyte[] x: Integer(x, (sbyte[])output.Data, bases, offsets, par); break;
                case byte[] x: Integer(x, (byte[])output.Data, bases, offsets, par); break;
                case bool[] x when context.OperatorVersion >= 20 && (typeof(TOp) == typeof(MaxOperation) || typeof(TOp) == typeof(MinOperation)):
                    Logical(x, (bool[])output.Data, bases, offsets, typeof(TOp) == typeof(MaxOperation));
                    break;
                default: throw context.Fail($"element type {input.ElementType} is not supported");
            }
        }
        context.SetOutput(0, output);
    }

    private const int Chunk = 64;

    private static void Floating<T>(T[] x, T[] y, int[] bases, int[] offsets, int group, Parallelism parallelism) where T : INumberBase<T>
    {
        if (group > 1)
        {
            var groups = bases.Length / group;
            parallelism.For(groups, g =>
            {
                var b = bases[g * group];
                var acc = new double[group];
                var shift = new double[group];
                if (TOp.ShiftByMax)
                {
                    Array.Fill(shift, double.NegativeInfinity);
                    foreach (var off in offsets)
                        for (var i = 0; i < shift.Length; i++) shift[i] = MaxOperation.Accumulate(shift[i], double.CreateTruncating(x[b + off + i]));
                    for (var i = 0; i < shift.Length; i++) shift[i] = Shift(shift[i]);
                }
                Array.Fill(acc, TOp.Seed);
                foreach (var off in offsets)
                {
                    var from = b + off;
                    for (var i = 0; i < acc.Length; i++) acc[i] = TOp.Accumulate(acc[i], double.CreateTruncating(x[from + i]) - shift[i]);
                }
                for (var i = 0; i < acc.Length; i++) y[g * group + i] = T.CreateTruncating(TOp.Finish(acc[i], offsets.Length) + shift[i]);
            }, (long)group * Math.Max(1, offsets.Length));
            return;
        }
        var chunks = (bases.Length + Chunk - 1) / Chunk;
        parallelism.For(chunks, c =>
        {
            var end = Math.Min(bases.Length, (c + 1) * Chunk);
            for (var o = c * Chunk; o < end; o++)
            {
                var b = bases[o];
                double shift = 0;
                if (TOp.ShiftByMax)
                {
                    var m = double.NegativeInfinity;
                    foreach (var off in offsets) m = MaxOperation.Accumulate(m, double.CreateTruncating(x[b + off]));
                    shift = Shift(m);
                }
                var acc = TOp.Seed;
                foreach (var off in offsets) acc = TOp.Accumulate(acc, double.CreateTruncating(x[b + off]) - shift);
                y[o] = T.CreateTruncating(TOp.Finish(acc, offsets.Length) + shift);
            }
        }, (long)Chunk * Math.Max(1, offsets.Length));
    }

    /// <summary>The max-shift of log-sum-exp; an infinite or NaN maximum is not subtracted (inf - inf would be NaN).</summary>
    private static double Shift(double max) => double.IsFinite(max) ? max : 0;

    /// <summary>ReduceMax (or) and ReduceMin (and) of booleans, from version 20.</summary>
    private static void Logical(bool[] x, bool[] y, int[] bases, int[] offsets, bool any)
    {
        for (var o = 0; o < bases.Length; o++)
        {
            var acc = !any;
            foreach (var off in offsets)
                if (x[bases[o] + off] == any)
                {
                    acc = any;
                    break;
                }
            y[o] = acc;
        }
    }

    private static void Integer<T>(T[] x, T[] y, int[] bases, int[] offsets, Parallelism parallelism) where T : IBinaryInteger<T>
    {
        var chunks = (bases.Length + Chunk - 1) / Chunk;
        parallelism.For(chunks, c =>
        {
            var end = Math.Min(bases.Length, (c + 1) * Chunk);
            for (var o = c * Chunk; o < end; o++)
            {
                var b = bases[o];
                var acc = TOp.SeedInteger;
                foreach (var off in offsets) acc = TOp.Accumulate(acc, long.CreateTruncating(x[b + off]));
                y[o] = T.CreateTruncating(TOp.Finish(acc, offsets.Length));
            }
        }, (long)Chunk * Math.Max(1, offsets.Length));
    }
}

using System.Numerics;
using Compression.Evaluation.Execution;
using Compression.Evaluation.Inference;
using Compression.Evaluation.Tensors;
using DataType = Compression.Onnx.Protobuf.TensorProto.Types.DataType;

namespace Compression.Evaluation.Kernels.MathOps;

/// <summary>
/// Einsum (12): the general case by an index loop. Each output element is the sum, over the summed labels in row-major
/// order (first summed label outermost, see <see cref="EinsumEquation"/>), of the product of the operands' elements
/// (multiplied left to right), accumulated in the element type starting from zero: one fixed order for every element,
/// so results do not depend on threads. Output elements are split over threads in contiguous ranges.
/// </summary>
internal sealed class Einsum : IKernel
{
    public IReadOnlyList<ValueInfo> Infer(InferenceContext context)
    {
        var type = context.Input(0)?.ElementType ?? DataType.Undefined;
        var shapes = new Dim[context.InputCount][];
        for (var i = 0; i < shapes.Length; i++)
        {
            if (context.Input(i)?.Shape is not { } s) return [new ValueInfo(type, null)];
            shapes[i] = s;
        }
        var equation = EinsumEquation.Parse(context.Attributes.GetString("equation", ""), shapes.Select(s => s.Length).ToArray(), context.Fail);
        return [new ValueInfo(type, equation.InferOutput(shapes))];
    }

    public void Execute(KernelContext context)
    {
        var inputs = Enumerable.Range(0, context.InputCount).Select(context.Input).ToArray();
        if (inputs.Length == 0) throw context.Fail("Einsum needs at least one input");
        var type = inputs[0].ElementType;
        foreach (var t in inputs)
            if (t.ElementType != type) throw context.Fail($"inputs have different element types ({type} and {t.ElementType})");
        var equation = EinsumEquation.Parse(context.Attributes.GetString("equation", ""), inputs.Select(t => t.Rank).ToArray(), context.Fail);
        var sizes = equation.Sizes(inputs.Select(t => t.Shape).ToArray(), out var conflict) ?? throw context.Fail(conflict!);
        var plan = Plan.Create(equation, sizes, inputs.Select(t => t.Shape).ToArray());
        var output = context.Allocate(type, equation.Output.Select(id => checked((int)sizes[id])).ToArray());
        var arrays = inputs.Select(t => t.Data).ToArray();
        switch (type)
        {
            case DataType.Float: Run<float>(arrays, output, plan, context.Parallelism); break;
            case DataType.Double: Run<double>(arrays, output, plan, context.Parallelism); break;
            case DataType.Int32: Run<int>(arrays, output, plan, context.Parallelism); break;
            case DataType.Int64: Run<long>(arrays, output, plan, context.Parallelism); break;
            case DataType.Uint32: Run<uint>(arrays, output, plan, context.Parallelism); break;
            case DataType.Uint64: Run<ulong>(arrays, output, plan, context.Parallelism); break;
            default: throw context.Fail($"element type {type} is not supported");
        }
        context.SetOutput(0, output);
    }

    /// <summary>
    /// Sizes and per-operand strides of the output labels and of the summed labels (a label's stride in an operand is
    /// the sum of the strides of its axes with that label, which walks the diagonal; 0 where it does not occur or is a
    /// broadcast axis of size 1).
    /// </summary>
    private sealed record Plan(int[] OutSizes, int[][] OutStrides, int[] SumSizes, int[][] SumStrides, int SumCount)
    {
        public static Plan Create(EinsumEquation equation, long[] sizes, int[][] shapes)
        {
            var strides = new int[shapes.Length][];
            for (var i = 0; i < shapes.Length; i++)
            {
                strides[i] = new int[equation.LabelCount];
                var axisStrides = ShapeMath.Strides(shapes[i]);
                for (var a = 0; a < shapes[i].Length; a++)
                    if (shapes[i][a] != 1 || sizes[equation.Operands[i][a]] == 1)
                        strides[i][equation.Operands[i][a]] += axisStrides[a];
            }
            int[][] Pick(int[] ids) => strides.Select(s => ids.Select(id => s[id]).ToArray()).ToArray();
            var sumSizes = equation.Reduced.Select(id => checked((int)sizes[id])).ToArray();
            return new Plan(equation.Output.Select(id => checked((int)sizes[id])).ToArray(), Pick(equation.Output),
                sumSizes, Pick(equation.Reduced), ShapeMath.ElementCount(sumSizes));
        }
    }

    private static void Run<T>(Array[] arrays, Tensor output, Plan plan, Parallelism parallelism) where T : INumber<T>
    {
        var sources = arrays.Select(a => (T[])a).ToArray();
        var result = (T[])output.Data;
        var count = output.Length;
        if (count == 0) return;
        var pieces = Math.Max(1, Math.Min(parallelism.Threads * 4, (int)Math.Min(count, (long)count * Math.Max(1, plan.SumCount) / 16384)));
        parallelism.For(pieces, piece =>
        {
            var start = (int)((long)count * piece / pieces);
            var end = (int)((long)count * (piece + 1) / pieces);
            RunRange(sources, result, plan, start, end);
        }, (long)count / pieces * Math.Max(1, plan.SumCount));
    }

    private static void RunRange<T>(T[][] sources, T[] result, Plan plan, int start, int end) where T : INumber<T>
    {
        var operands = sources.Length;
        var outRank = plan.OutSizes.Length;
        var sumRank = plan.SumSizes.Length;
        var outIndex = new int[outRank];
        var sumIndex = new int[sumRank];
        var bases = new int[operands];
        var offsets = new int[operands];
        // The output multi-index of the range's first element.
        var rest = start;
        for (var a = outRank - 1; a >= 0; a--)
        {
            outIndex[a] = rest % plan.OutSizes[a];
            rest /= plan.OutSizes[a];
        }
        for (var e = start; e < end; e++)
        {
            for (var i = 0; i < operands; i++)
            {
                var b = 0;
                for (var a = 0; a < outRank; a++) b += outIndex[a] * plan.OutStrides[i][a];
                bases[i] = b;
                offsets[i] = b;
            }
            var sum = T.Zero;
            if (plan.SumCount > 0)
            {
                Array.Clear(sumIndex);
                for (var s = 0; s < plan.SumCount; s++)
                {
                    var product = sources[0][offsets[0]];
                    for (var i = 1; i < operands; i++) product *= sources[i][offsets[i]];
                    sum += product;
                    // Advance the summed multi-index (last label fastest) and every operand's offset with it.
                    for (var a = sumRank - 1; a >= 0; a--)
                    {
                        if (++sumIndex[a] < plan.SumSizes[a])
                        {
                            for (var i = 0; i < operands; i++) offsets[i] += plan.SumStrides[i][a];
                            break;
                        }
                        sumIndex[a] = 0;
                        for (var i = 0; i < operands; i++) offsets[i] -= plan.SumStrides[i][a] * (plan.SumSizes[a] - 1);
                    }
                }
            }
            result[e] = sum;
            for (var a = outRank - 1; a >= 0; a--)
            {
                if (++outIndex[a] < plan.OutSizes[a]) break;
                outIndex[a] = 0;
            }
        }
    }
}

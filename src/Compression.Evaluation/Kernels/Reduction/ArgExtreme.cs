using System.Numerics;
using Compression.Evaluation.Execution;
using Compression.Evaluation.Inference;
using Compression.Evaluation.Tensors;
using DataType = Compression.Onnx.Protobuf.TensorProto.Types.DataType;

namespace Compression.Evaluation.Kernels.Reduction;

/// <summary>
/// ArgMax and ArgMin (1, 11 negative axis, 12 and 13 select_last_index): the int64 index of the first (or, with
/// select_last_index = 1, the last) largest or smallest element along <c>axis</c>; keepdims default 1.
/// </summary>
internal sealed class ArgExtreme(bool max) : IKernel
{
    public IReadOnlyList<ValueInfo> Infer(InferenceContext context)
    {
        var input = context.Input(0);
        if (input?.Shape is null) return [new ValueInfo(DataType.Int64, null)];
        var reduced = new bool[input.Shape.Length];
        reduced[ShapeMath.NormalizeAxis(context.Attributes.GetInt("axis", 0), input.Shape.Length)] = true;
        return [new ValueInfo(DataType.Int64, ReductionShape.Infer(input.Shape, reduced, context.Attributes.GetInt("keepdims", 1) != 0))];
    }

    public void Execute(KernelContext context)
    {
        var input = context.Input(0);
        var axis = ShapeMath.NormalizeAxis(context.Attributes.GetInt("axis", 0), input.Rank);
        var last = context.OperatorVersion >= 12 && context.Attributes.GetInt("select_last_index", 0) != 0;
        var reduced = new bool[input.Rank];
        reduced[axis] = true;
        var output = context.Allocate(DataType.Int64, ReductionShape.Output(input.Shape, reduced, context.Attributes.GetInt("keepdims", 1) != 0));
        if (output.Length > 0)
        {
            if (input.Shape[axis] == 0) throw context.Fail("cannot take the index of an extreme along an empty axis");
            var (bases, _) = ReductionShape.Offsets(input.Shape, reduced);
            var stride = ShapeMath.Strides(input.Shape)[axis];
            var y = (long[])output.Data;
            var n = input.Shape[axis];
            switch (input.Data)
            {
                case float[] x: Run(x, y, bases, stride, n, last); break;
                case double[] x: Run(x, y, bases, stride, n, last); break;
                case Half[] x: Run(x, y, bases, stride, n, last); break;
                case int[] x: Run(x, y, bases, stride, n, last); break;
                case long[] x: Run(x, y, bases, stride, n, last); break;
                case uint[] x: Run(x, y, bases, stride, n, last); break;
                case ulong[] x: Run(x, y, bases, stride, n, last); break;
                case sbyte[] x: Run(x, y, bases, stride, n, last); break;
                case byte[] x: Run(x, y, bases, stride, n, last); break;
                case short[] x: Run(x, y, bases, stride, n, last); break;
                case ushort[] x: Run(x, y, bases, stride, n, last); break;
                default: throw context.Fail($"element type {input.ElementType} is not supported");
            }
        }
        context.SetOutput(0, output);
    }

    private void Run<T>(T[] x, long[] y, int[] bases, int stride, int n, bool last) where T : INumber<T>
    {
        for (var o = 0; o < bases.Length; o++)
        {
            var b = bases[o];
            var best = x[b];
            var at = 0;
            for (var i = 1; i < n; i++)
            {
                var v = x[b + i * stride];
                var better = max ? (last ? v >= best : v > best) : (last ? v <= best : v < best);
                if (better)
                {
                    best = v;
                    at = i;
                }
            }
            y[o] = at;
        }
    }
}

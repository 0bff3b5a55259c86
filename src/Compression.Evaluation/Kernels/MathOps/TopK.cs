using System.Numerics;
using Compression.Evaluation.Execution;
using Compression.Evaluation.Inference;
using Compression.Evaluation.Tensors;
using DataType = Compression.Onnx.Protobuf.TensorProto.Types.DataType;

namespace Compression.Evaluation.Kernels.MathOps;

/// <summary>
/// TopK: the k largest (11: or smallest, 'largest' = 0) elements along 'axis' (default −1) and their int64 indices. k is
/// an attribute at 1 and a one-element int64 input from 10. Equal values are ordered by lower index first, as ONNX
/// specifies; the result is always sorted (sorted = 0 leaves the order to the implementation, and sorted is one). NaN
/// counts as larger than every number (so it comes first when largest, last when smallest), as in ONNX Runtime.
/// </summary>
internal sealed class TopK : IKernel
{
    public IReadOnlyList<ValueInfo> Infer(InferenceContext context)
    {
        var x = context.Input(0);
        var type = x?.ElementType ?? DataType.Undefined;
        if (x?.Shape is not { } shape) return [new ValueInfo(type, null), new ValueInfo(DataType.Int64, null)];
        var axis = ShapeMath.NormalizeAxis(context.Attributes.GetInt("axis", -1), shape.Length);
        Dim k = Dim.Unknown;
        if (context.OperatorVersion < 10) k = context.Attributes.GetInt("k");
        else if (context.Input(1)?.Constant is { Length: 1 } constant) k = ReadK(constant, context.Fail);
        var result = shape.ToArray();
        result[axis] = k;
        return [new ValueInfo(type, result), new ValueInfo(DataType.Int64, result.ToArray())];
    }

    public void Execute(KernelContext context)
    {
        var x = context.Input(0);
        if (x.Rank == 0) throw context.Fail("X must have rank at least 1");
        var axis = ShapeMath.NormalizeAxis(context.Attributes.GetInt("axis", -1), x.Rank);
        var k = context.OperatorVersion < 10 ? context.Attributes.GetInt("k") : ReadK(context.Input(1), context.Fail);
        var largest = context.OperatorVersion < 11 || context.Attributes.GetInt("largest", 1) != 0;
        var n = x.Shape[axis];
        if (k < 0 || k > n) throw context.Fail($"k = {k} is outside [0, {n}] for axis {axis} of {ShapeMath.Format(x.Shape)}");
        var shape = x.Shape.ToArray();
        shape[axis] = (int)k;
        var values = context.Allocate(x.ElementType, shape);
        var indices = context.Allocate(DataType.Int64, shape);
        var geometry = new Geometry(ShapeMath.ElementCount(x.Shape.AsSpan(0, axis)), n,
            ShapeMath.ElementCount(x.Shape.AsSpan(axis + 1)), (int)k, largest);
        var result = (long[])indices.Data;
        var p = context.Parallelism;
        switch (x.ElementType)
        {
            case DataType.Float: Run((float[])x.Data, (float[])values.Data, result, geometry, p); break;
            case DataType.Double: Run((double[])x.Data, (double[])values.Data, result, geometry, p); break;
            case DataType.Float16: Run((Half[])x.Data, (Half[])values.Data, result, geometry, p); break;
            case DataType.Int8: Run((sbyte[])x.Data, (sbyte[])values.Data, result, geometry, p); break;
            case DataType.Uint8: Run((byte[])x.Data, (byte[])values.Data, result, geometry, p); break;
            case DataType.Int16: Run((short[])x.Data, (short[])values.Data, result, geometry, p); break;
            case DataType.Uint16: Run((ushort[])x.Data, (ushort[])values.Data, result, geometry, p); break;
            case DataType.Int32: Run((int[])x.Data, (int[])values.Data, result, geometry, p); break;
            case DataType.Uint32: Run((uint[])x.Data, (uint[])values.Data, result, geometry, p); break;
            case DataType.Int64: Run((long[])x.Data, (long[])values.Data, result, geometry, p); break;
            case DataType.Uint64: Run((ulong[])x.Data, (ulong[])values.Data, result, geometry, p); break;
            default: throw context.Fail($"element type {x.ElementType} is not supported");
        }
        context.SetOutput(0, values);
        context.SetOutput(1, indices);
    }

    private static long ReadK(Tensor k, Func<string, Exception> fail) => k switch
    {
        { ElementType: DataType.Int64, Length: 1 } => k.ReadOnlySpan<long>()[0],
        _ => throw fail($"K must be a one-element int64 tensor, is {k}"),
    };

    /// <summary>Slices along the axis: <c>Outer</c> × <c>Inner</c> of them, each of <c>Count</c> elements at stride <c>Inner</c>.</summary>
    private readonly record struct Geometry(int Outer, int Count, int Inner, int K, bool Largest);

    private static void Run<T>(T[] x, T[] values, long[] indices, Geometry g, Parallelism parallelism) where T : INumber<T>
    {
        if (g.K == 0) return;
        parallelism.For(g.Outer * g.Inner, slice =>
        {
            var outer = slice / g.Inner;
            var inner = slice % g.Inner;
            var source = outer * g.Count * g.Inner + inner;
            var target = outer * g.K * g.Inner + inner;
            // Order the slice's positions (a total order, so the result does not depend on the sort algorithm).
            var order = new int[g.Count];
            for (var i = 0; i < order.Length; i++) order[i] = i;
            var comparer = new Before<T>(x, source, g.Inner, g.Largest);
            order.AsSpan().Sort(comparer.Compare);
            for (var i = 0; i < g.K; i++)
            {
                values[target + i * g.Inner] = x[source + order[i] * g.Inner];
                indices[target + i * g.Inner] = order[i];
            }
        }, (long)g.Count * 16);
    }

    /// <summary>Position a before position b: the better value first (NaN best when largest), then the lower index.</summary>
    private sealed class Before<T>(T[] x, int start, int stride, bool largest) where T : INumber<T>
    {
        public int Compare(int a, int b)
        {
            var va = x[start + a * stride];
            var vb = x[start + b * stride];
            var byValue = Order(va, vb);
            if (largest) byValue = -byValue;
            return byValue != 0 ? byValue : a.CompareTo(b);
        }

        /// <summary>Ascending order with NaN above every number.</summary>
        private static int Order(T a, T b)
        {
            var aNaN = T.IsNaN(a);
            var bNaN = T.IsNaN(b);
            if (aNaN || bNaN) return aNaN == bNaN ? 0 : aNaN ? 1 : -1;
            return a < b ? -1 : a > b ? 1 : 0;
        }
    }
}

using System.Numerics;
using Compression.Evaluation.Execution;
using Compression.Evaluation.Inference;
using Compression.Evaluation.Kernels.Elementwise;
using Compression.Evaluation.Kernels.NeuralNetwork.Linear;
using Compression.Evaluation.Tensors;
using DataType = Compression.Onnx.Protobuf.TensorProto.Types.DataType;

namespace Compression.Evaluation.Kernels.NeuralNetwork;

/// <summary>
/// Gemm: Y = alpha·A'·B' + beta·C with A' and B' optionally transposed and C broadcast to [M, N]. The versions differ
/// in types, in the legacy 'broadcast' attribute (1, 6: broadcasting is always allowed here, a superset) and in C
/// becoming optional (11); one kernel serves them. Float runs on <see cref="GemmCore"/>: the product first, exactly
/// as MatMul would, then alpha and beta·C applied per element.
/// </summary>
internal sealed class Gemm : IKernel
{
    public IReadOnlyList<ValueInfo> Infer(InferenceContext context)
    {
        var a = context.Input(0);
        var b = context.Input(1);
        var type = a?.ElementType ?? b?.ElementType ?? DataType.Undefined;
        var transA = context.Attributes.GetInt("transA", 0) != 0;
        var transB = context.Attributes.GetInt("transB", 0) != 0;
        var m = a?.Shape is { Length: 2 } sa ? sa[transA ? 1 : 0] : Dim.Unknown;
        var n = b?.Shape is { Length: 2 } sb ? sb[transB ? 0 : 1] : Dim.Unknown;
        return [new ValueInfo(type, [m, n])];
    }

    public void Execute(KernelContext context)
    {
        var a = context.Input(0);
        var b = context.Input(1);
        var c = context.OptionalInput(2);
        if (a.Rank != 2 || b.Rank != 2) throw context.Fail($"A and B must be matrices, got {ShapeMath.Format(a.Shape)} and {ShapeMath.Format(b.Shape)}");
        if (a.ElementType != b.ElementType || (c is not null && c.ElementType != a.ElementType))
            throw context.Fail("A, B and C must have one element type");
        var transA = context.Attributes.GetInt("transA", 0) != 0;
        var transB = context.Attributes.GetInt("transB", 0) != 0;
        var alpha = context.Attributes.GetFloat("alpha", 1f);
        var beta = context.Attributes.GetFloat("beta", 1f);
        int m = transA ? a.Shape[1] : a.Shape[0], k = transA ? a.Shape[0] : a.Shape[1];
        int kb = transB ? b.Shape[1] : b.Shape[0], n = transB ? b.Shape[0] : b.Shape[1];
        if (k != kb) throw context.Fail($"inner dimensions differ: A' is [{m}, {k}], B' is [{kb}, {n}]");
        int[] shape = [m, n];
        if (c is not null && (c.Rank > 2 || !ShapeMath.Broadcast(c.Shape, shape)!.AsSpan().SequenceEqual(shape)))
            throw context.Fail($"C {ShapeMath.Format(c.Shape)} does not broadcast to [{m}, {n}]");
        var y = context.Allocate(a.ElementType, shape);
        // A'[i, p] = a[i·aRow + p·aCol]; B'[p, j] = b[p·bRow + j·bCol].
        int aRow = transA ? 1 : k, aCol = transA ? m : 1, bRow = transB ? 1 : n, bCol = transB ? k : 1;
        switch (a.ElementType)
        {
            case DataType.Float:
                GemmCore.Multiply((float[])a.Data, 0, aRow, aCol, (float[])b.Data, 0, bRow, bCol, m, n, k, (float[])y.Data, 0, n, context.Parallelism);
                Epilogue((float[])y.Data, (float[]?)c?.Data, c?.Shape, shape, alpha, beta);
                break;
            case DataType.Double: Generic<double>(a, b, c, y, aRow, aCol, bRow, bCol, m, n, k, alpha, beta); break;
            case DataType.Int32: Generic<int>(a, b, c, y, aRow, aCol, bRow, bCol, m, n, k, alpha, beta); break;
            case DataType.Int64: Generic<long>(a, b, c, y, aRow, aCol, bRow, bCol, m, n, k, alpha, beta); break;
            case DataType.Uint32: Generic<uint>(a, b, c, y, aRow, aCol, bRow, bCol, m, n, k, alpha, beta); break;
            case DataType.Uint64: Generic<ulong>(a, b, c, y, aRow, aCol, bRow, bCol, m, n, k, alpha, beta); break;
            default: throw context.Fail($"element type {a.ElementType} is not supported");
        }
        context.SetOutput(0, y);
    }

    private static void Epilogue(float[] y, float[]? c, int[]? cShape, int[] shape, float alpha, float beta)
    {
        var count = shape[0] * shape[1];
        if (alpha != 1f)
            for (var i = 0; i < count; i++) y[i] *= alpha;
        if (c is null || beta == 0f) return;
        var strides = Broadcasting.BroadcastStrides(cShape!, shape);
        for (var i = 0; i < shape[0]; i++)
            for (var j = 0; j < shape[1]; j++)
                y[i * shape[1] + j] += beta * c[i * strides[0] + j * strides[1]];
    }

    private static void Generic<T>(Tensor a, Tensor b, Tensor? c, Tensor y, int aRow, int aCol, int bRow, int bCol, int m, int n, int k,
        float alpha, float beta) where T : INumber<T>
    {
        var ys = (T[])y.Data;
        NaiveMatMul.Multiply((T[])a.Data, 0, aRow, aCol, (T[])b.Data, 0, bRow, bCol, m, n, k, ys, 0, n);
        var al = T.CreateTruncating(alpha);
        var be = T.CreateTruncating(beta);
        var cs = (T[]?)c?.Data;
        var strides = c is null ? null : Broadcasting.BroadcastStrides(c.Shape, [m, n]);
        for (var i = 0; i < m; i++)
            for (var j = 0; j < n; j++)
            {
                var v = ys[i * n + j] * al;
                if (cs is not null) v += be * cs[i * strides![0] + j * strides[1]];
                ys[i * n + j] = v;
            }
    }
}

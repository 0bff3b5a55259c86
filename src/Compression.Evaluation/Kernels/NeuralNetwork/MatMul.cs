using System.Numerics;
using Compression.Evaluation.Execution;
using Compression.Evaluation.Inference;
using Compression.Evaluation.Kernels.Elementwise;
using Compression.Evaluation.Kernels.NeuralNetwork.Linear;
using Compression.Evaluation.Tensors;
using DataType = Compression.Onnx.Protobuf.TensorProto.Types.DataType;

namespace Compression.Evaluation.Kernels.NeuralNetwork;

/// <summary>
/// MatMul (1, 9, 13: the versions differ only in types): NumPy matmul. A 1-D left operand is a row vector and a 1-D
/// right operand a column vector, their unit axis removed from the result; leading (batch) axes broadcast. Float runs
/// on <see cref="GemmCore"/>; when B has no batch axes, A's batch folds into its rows so the whole product is one GEMM
/// with B packed once.
/// </summary>
internal sealed class MatMul : IKernel
{
    public IReadOnlyList<ValueInfo> Infer(InferenceContext context)
    {
        var a = context.Input(0);
        var b = context.Input(1);
        var type = a?.ElementType ?? b?.ElementType ?? DataType.Undefined;
        if (a?.Shape is not { Length: > 0 } sa || b?.Shape is not { Length: > 0 } sb) return [new ValueInfo(type, null)];
        var batchA = sa.Length > 2 ? sa[..^2] : [];
        var batchB = sb.Length > 2 ? sb[..^2] : [];
        var batch = Broadcasting.Infer(batchA, batchB)!;
        var dims = new List<Dim>(batch);
        if (sa.Length >= 2) dims.Add(sa[^2]);
        if (sb.Length >= 2) dims.Add(sb[^1]);
        return [new ValueInfo(type, dims.ToArray())];
    }

    public void Execute(KernelContext context)
    {
        var a = context.Input(0);
        var b = context.Input(1);
        if (a.ElementType != b.ElementType) throw context.Fail($"A is {a.ElementType}, B is {b.ElementType}");
        if (a.Rank == 0 || b.Rank == 0) throw context.Fail("MatMul operands must have at least one axis");
        int[] shapeA = a.Rank == 1 ? [1, a.Shape[0]] : a.Shape;
        int[] shapeB = b.Rank == 1 ? [b.Shape[0], 1] : b.Shape;
        int m = shapeA[^2], k = shapeA[^1], n = shapeB[^1];
        if (shapeB[^2] != k)
            throw context.Fail($"inner dimensions differ: {ShapeMath.Format(a.Shape)} × {ShapeMath.Format(b.Shape)}");
        var batchA = shapeA[..^2];
        var batchB = shapeB[..^2];
        var batch = ShapeMath.Broadcast(batchA, batchB)
            ?? throw context.Fail($"batch axes of {ShapeMath.Format(a.Shape)} and {ShapeMath.Format(b.Shape)} do not broadcast");
        var outShape = new List<int>(batch);
        if (a.Rank >= 2) outShape.Add(m);
        if (b.Rank >= 2) outShape.Add(n);
        var y = context.Allocate(a.ElementType, outShape.ToArray());
        var batches = ShapeMath.ElementCount(batch);
        var stridesA = Broadcasting.BroadcastStrides(batchA, batch);
        var stridesB = Broadcasting.BroadcastStrides(batchB, batch);
        switch (a.ElementType)
        {
            case DataType.Float: RunFloat(a, b, y, batch, stridesA, stridesB, batches, m, n, k, context.Parallelism); break;
            case DataType.Double: Generic<double>(a, b, y, batch, stridesA, stridesB, batches, m, n, k); break;
            case DataType.Int32: Generic<int>(a, b, y, batch, stridesA, stridesB, batches, m, n, k); break;
            case DataType.Int64: Generic<long>(a, b, y, batch, stridesA, stridesB, batches, m, n, k); break;
            case DataType.Uint32: Generic<uint>(a, b, y, batch, stridesA, stridesB, batches, m, n, k); break;
            case DataType.Uint64: Generic<ulong>(a, b, y, batch, stridesA, stridesB, batches, m, n, k); break;
            default: throw context.Fail($"element type {a.ElementType} is not supported");
        }
        context.SetOutput(0, y);
    }

    /// <summary>The flat offsets (in matrices) of one output batch index's operands.</summary>
    private static (int A, int B) Offsets(int index, int[] batch, int[] stridesA, int[] stridesB)
    {
        int offA = 0, offB = 0;
        for (var axis = batch.Length - 1; axis >= 0; axis--)
        {
            var i = index % batch[axis];
            index /= batch[axis];
            offA += i * stridesA[axis];
            offB += i * stridesB[axis];
        }
        return (offA, offB);
    }

    private static void RunFloat(Tensor a, Tensor b, Tensor y, int[] batch, int[] stridesA, int[] stridesB, int batches, int m, int n, int k,
        Parallelism parallelism)
    {
        var xs = (float[])a.Data;
        var ws = (float[])b.Data;
        var ys = (float[])y.Data;
        if (batches == 0 || m == 0 || n == 0) return;
        if (ShapeMath.ElementCount(b.Shape) == k * n && ShapeMath.ElementCount(a.Shape) == batches * m * k)
        {
            // A's batch is dense and B is shared: one [batches·m, k] × [k, n] product.
            GemmCore.Multiply(xs, 0, k, 1, ws, 0, n, 1, batches * m, n, k, ys, 0, n, parallelism);
            return;
        }
        var work = (long)m * n * k;
        if (batches >= parallelism.Threads && work < 1 << 20)
        {
            // Many small products: one per task, each computed whole on one thread.
            var serial = new Parallelism(1);
            parallelism.For(batches, i =>
            {
                var (oa, ob) = Offsets(i, batch, stridesA, stridesB);
                GemmCore.Multiply(xs, oa * m * k, k, 1, ws, ob * k * n, n, 1, m, n, k, ys, i * m * n, n, serial);
            }, work);
            return;
        }
        for (var i = 0; i < batches; i++)
        {
            var (oa, ob) = Offsets(i, batch, stridesA, stridesB);
            GemmCore.Multiply(xs, oa * m * k, k, 1, ws, ob * k * n, n, 1, m, n, k, ys, i * m * n, n, parallelism);
        }
    }

    private static void Generic<T>(Tensor a, Tensor b, Tensor y, int[] batch, int[] stridesA, int[] stridesB, int batches, int m, int n, int k)
        where T : INumber<T>
    {
        for (var i = 0; i < batches; i++)
        {
            var (oa, ob) = Offsets(i, batch, stridesA, stridesB);
            NaiveMatMul.Multiply((T[])a.Data, oa * m * k, k, 1, (T[])b.Data, ob * k * n, n, 1, m, n, k, (T[])y.Data, i * m * n, n);
        }
    }
}

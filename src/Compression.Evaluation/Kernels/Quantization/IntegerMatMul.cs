using Compression.Evaluation.Execution;
using Compression.Evaluation.Inference;
using Compression.Evaluation.Kernels.Elementwise;
using Compression.Evaluation.Tensors;
using DataType = Compression.Onnx.Protobuf.TensorProto.Types.DataType;

namespace Compression.Evaluation.Kernels.Quantization;

/// <summary>
/// The int32 matrix product under MatMulInteger and QLinearMatMul, with NumPy matmul shapes (1-D operands, broadcast
/// batch axes). Zero points are subtracted while widening the operands to int (A's per tensor or per row, B's per
/// tensor or per column), so the product is of exact small integers; int32 sums are exact whatever their order
/// (and wrap, as ONNX Runtime's int32 accumulators do, only for inputs far beyond any real model's).
/// </summary>
internal sealed class IntegerMatMul(int[] outputShape, int[] batch, int[] stridesA, int[] stridesB, int m, int k, int n)
{
    public int[] OutputShape => outputShape;

    public int M => m;

    public int K => k;

    public int N => n;

    public static IReadOnlyList<ValueInfo> Infer(ValueInfo? a, ValueInfo? b, DataType type)
    {
        if (a?.Shape is not { Length: > 0 } sa || b?.Shape is not { Length: > 0 } sb) return [new ValueInfo(type, null)];
        var batch = Broadcasting.Infer(sa.Length > 2 ? sa[..^2] : [], sb.Length > 2 ? sb[..^2] : [])!;
        var dims = new List<Dim>(batch);
        if (sa.Length >= 2) dims.Add(sa[^2]);
        if (sb.Length >= 2) dims.Add(sb[^1]);
        return [new ValueInfo(type, dims.ToArray())];
    }

    public static IntegerMatMul Create(KernelContext context, Tensor a, Tensor b)
    {
        if (a.Rank == 0 || b.Rank == 0) throw context.Fail("matrix product operands must have at least one axis");
        int[] shapeA = a.Rank == 1 ? [1, a.Shape[0]] : a.Shape;
        int[] shapeB = b.Rank == 1 ? [b.Shape[0], 1] : b.Shape;
        int m = shapeA[^2], k = shapeA[^1], n = shapeB[^1];
        if (shapeB[^2] != k)
            throw context.Fail($"inner dimensions differ: {ShapeMath.Format(a.Shape)} × {ShapeMath.Format(b.Shape)}");
        var batchA = shapeA[..^2];
        var batchB = shapeB[..^2];
        var batch = ShapeMath.Broadcast(batchA, batchB)
            ?? throw context.Fail($"batch axes of {ShapeMath.Format(a.Shape)} and {ShapeMath.Format(b.Shape)} do not broadcast");
        var output = new List<int>(batch);
        if (a.Rank >= 2) output.Add(m);
        if (b.Rank >= 2) output.Add(n);
        return new IntegerMatMul(output.ToArray(), batch, Broadcasting.BroadcastStrides(batchA, batch),
            Broadcasting.BroadcastStrides(batchB, batch), m, k, n);
    }

    /// <summary>A's values minus its zero point: a scalar or one per row of M.</summary>
    public int[] WidenA(KernelContext context, Tensor a, Tensor? zeroPoint) => Widen(context, a, zeroPoint, M, K, 1, "A");

    /// <summary>B's values minus its zero point: a scalar or one per column of N.</summary>
    public int[] WidenB(KernelContext context, Tensor b, Tensor? zeroPoint) => Widen(context, b, zeroPoint, N, 1, N, "B");

    private static int[] Widen(KernelContext context, Tensor t, Tensor? zeroPoint, int count, int divisor, int modulus, string name)
    {
        var values = IntegerData.Widen(t) ?? throw context.Fail($"{name} of type {t.ElementType} is not supported");
        if (t.ElementType is not (DataType.Int8 or DataType.Uint8)) throw context.Fail($"{name} must be int8 or uint8, got {t.ElementType}");
        if (zeroPoint is null) return values;
        if (zeroPoint.ElementType != t.ElementType)
            throw context.Fail($"{name}'s zero point is {zeroPoint.ElementType}, {name} is {t.ElementType}");
        var zeros = IntegerData.Widen(zeroPoint)!;
        if (zeros.Length == 1)
        {
            for (var i = 0; i < values.Length; i++) values[i] -= zeros[0];
        }
        else if (zeros.Length == count && zeroPoint.Rank == 1)
        {
            for (var i = 0; i < values.Length; i++) values[i] -= zeros[i / divisor % modulus % count];
        }
        else
        {
            throw context.Fail($"{name}'s zero point must be a scalar or hold {count} values, got {ShapeMath.Format(zeroPoint.Shape)}");
        }
        return values;
    }

    /// <summary>
    /// The int32 products into <paramref name="output"/> (flat, M×N per batch), then <paramref name="epilogue"/> over
    /// each output row of N values (its batch-and-row index, for per-row parameters).
    /// </summary>
    public void Run<TEpilogue>(int[] a, int[] b, Parallelism parallelism, TEpilogue epilogue) where TEpilogue : struct, IEpilogue
    {
        var batches = ShapeMath.ElementCount(batch);
        var sizeA = m * k;
        var sizeB = k * n;
        parallelism.For(batches * m, row =>
        {
            var (offA, offB) = Offsets(row / m);
            var aRow = a.AsSpan(offA * sizeA + row % m * k, k);
            Span<int> sums = n <= 1024 ? stackalloc int[n] : new int[n];
            sums.Clear();
            var bs = b.AsSpan(offB * sizeB, sizeB);
            for (var kk = 0; kk < k; kk++)
            {
                var av = aRow[kk];
                if (av == 0) continue;
                var bRow = bs.Slice(kk * n, n);
                for (var j = 0; j < n; j++) sums[j] += av * bRow[j];
            }
            epilogue.Row(row, row % m, sums);
        }, (long)k * n);
    }

    private (int A, int B) Offsets(int index)
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

    /// <summary>What happens to one output row of int32 sums: stored, or requantized.</summary>
    public interface IEpilogue
    {
        void Row(int flatRow, int rowInMatrix, ReadOnlySpan<int> sums);
    }
}

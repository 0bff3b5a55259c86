using System.Buffers;
using Compression.Evaluation.Execution;
using Compression.Evaluation.Inference;
using Compression.Evaluation.Tensors;
using DataType = Compression.Onnx.Protobuf.TensorProto.Types.DataType;

namespace Compression.Evaluation.Kernels.Quantization;

/// <summary>
/// QLinearMatMul (versions 10 and 21; 21 adds float16/bfloat16 scales and float8 types, which the executor lacks):
/// the exact int32 product of (a − a_zero_point) and (b − b_zero_point), requantized as ONNX Runtime does: the
/// multiplier a_scale · b_scale / y_scale computed in float in that order (per column when B is per column, per row
/// when A is), float(sum) · multiplier, clamped, rounded half to even, plus y_zero_point.
/// </summary>
internal sealed class QLinearMatMul : IKernel
{
    public IReadOnlyList<ValueInfo> Infer(InferenceContext context) =>
        IntegerMatMul.Infer(context.Input(0), context.Input(3), context.Input(7)?.ElementType ?? context.Input(0)?.ElementType ?? DataType.Undefined);

    public void Execute(KernelContext context)
    {
        var a = context.Input(0);
        var b = context.Input(3);
        var yZeroPoint = context.Input(7);
        var product = IntegerMatMul.Create(context, a, b);
        var widenedA = product.WidenA(context, a, context.Input(2));
        var widenedB = product.WidenB(context, b, context.Input(5));
        var aScale = Scales(context, 1, "a_scale", product.M);
        var bScale = Scales(context, 4, "b_scale", product.N);
        var yScale = Scales(context, 6, "y_scale", 1);
        if (yZeroPoint.Length != 1) throw context.Fail("y_zero_point must be a scalar");
        var (min, max) = IntegerData.Range(yZeroPoint.ElementType) is { } r && yZeroPoint.ElementType is DataType.Int8 or DataType.Uint8
            ? r : throw context.Fail($"y_zero_point of type {yZeroPoint.ElementType} is not supported");

        // One multiplier per (row, column) pair is never needed: per-row A and per-column B are not combined.
        if (aScale.Length > 1 && bScale.Length > 1) throw context.Fail("per-row a_scale with per-column b_scale is not supported");
        var multipliers = new float[Math.Max(aScale.Length, bScale.Length)];
        for (var i = 0; i < multipliers.Length; i++)
            multipliers[i] = aScale[aScale.Length > 1 ? i : 0] * bScale[bScale.Length > 1 ? i : 0] / yScale[0];

        var y = context.Allocate(yZeroPoint.ElementType, product.OutputShape);
        var result = ArrayPool<int>.Shared.Rent(y.Length);
        try
        {
            var zero = IntegerData.Widen(yZeroPoint)![0];
            product.Run(widenedA, widenedB, context.Parallelism,
                new Requantize(result, product.N, multipliers, aScale.Length > 1, zero, min, max));
            IntegerData.Narrow(result.AsSpan(0, y.Length), y);
        }
        finally
        {
            ArrayPool<int>.Shared.Return(result);
        }
        context.SetOutput(0, y);
    }

    private static float[] Scales(KernelContext context, int input, string name, int perSlice)
    {
        var t = context.Input(input);
        if (t.ElementType != DataType.Float && !(context.OperatorVersion >= 21 && t.ElementType is DataType.Float16 or DataType.Bfloat16))
            throw context.Fail($"{name} of type {t.ElementType} is not supported at version {context.OperatorVersion}");
        if (t.Length != 1 && !(t.Rank == 1 && t.Length == perSlice))
            throw context.Fail($"{name} must be a scalar{(perSlice > 1 ? $" or hold {perSlice} values" : "")}, got {ShapeMath.Format(t.Shape)}");
        return IntegerData.Floats(t)!;
    }

    private readonly struct Requantize(int[] y, int n, float[] multipliers, bool perRow, int zeroPoint, int min, int max)
        : IntegerMatMul.IEpilogue
    {
        public void Row(int flatRow, int rowInMatrix, ReadOnlySpan<int> sums)
        {
            var target = y.AsSpan(flatRow * n, n);
            var perColumn = !perRow && multipliers.Length > 1;
            for (var j = 0; j < n; j++)
            {
                var multiplier = multipliers[perRow ? rowInMatrix : perColumn ? j : 0];
                target[j] = IntegerData.Saturate(sums[j] * multiplier, zeroPoint, min, max);
            }
        }
    }
}

using Compression.Evaluation.Execution;
using Compression.Evaluation.Inference;
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
        var halfScales = context.OperatorVersion >= 21;
        var aScale = Requantization.Scales(context, 1, "a_scale", product.M, halfScales);
        var bScale = Requantization.Scales(context, 4, "b_scale", product.N, halfScales);
        var yScale = Requantization.Scales(context, 6, "y_scale", 1, halfScales);
        var (min, max, zero) = Requantization.Output(context, yZeroPoint);

        // One multiplier per (row, column) pair is never needed: per-row A and per-column B are not combined.
        if (aScale.Length > 1 && bScale.Length > 1) throw context.Fail("per-row a_scale with per-column b_scale is not supported");
        var multipliers = new float[Math.Max(aScale.Length, bScale.Length)];
        for (var i = 0; i < multipliers.Length; i++)
            multipliers[i] = aScale[aScale.Length > 1 ? i : 0] * bScale[bScale.Length > 1 ? i : 0] / yScale[0];

        var perRow = aScale.Length > 1;
        context.SetOutput(0, Requantization.Allocate(context, yZeroPoint.ElementType, product.OutputShape, result =>
            product.Run(widenedA, widenedB, context.Parallelism, new Requantize(result, product.N, multipliers, perRow, zero, min, max))));
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

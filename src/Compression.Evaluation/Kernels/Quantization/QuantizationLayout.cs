using Compression.Evaluation.Execution;
using Compression.Evaluation.Tensors;

namespace Compression.Evaluation.Kernels.Quantization;

/// <summary>
/// Which scale and zero point each element of QuantizeLinear/DequantizeLinear uses. The tensor is seen as
/// [Outer, AxisDim, Inner] around the quantization axis; per-tensor parameters are one value, per-axis ones (version
/// 13) one per index along the axis, blocked ones (version 21) have x's shape with the axis divided into
/// ceil(AxisDim / BlockSize) blocks. The element loop visits x in order, so the parameter row of (outer, a) is
/// found once per row and indexed by the inner position.
/// </summary>
internal sealed class QuantizationLayout(int outer, int axisDim, int inner, int blockSize, bool perAxis)
{
    /// <summary>Reads axis and block_size and checks the parameter shapes as ONNX Runtime does.</summary>
    public static QuantizationLayout Create(KernelContext context, Tensor x, Tensor scale, Tensor? zeroPoint)
    {
        var requestedBlock = context.OperatorVersion >= 21 ? context.Attributes.GetInt("block_size", 0) : 0;
        if (requestedBlock < 0) throw context.Fail($"block_size {requestedBlock} must not be negative");
        if (zeroPoint is not null && !zeroPoint.Shape.AsSpan().SequenceEqual(scale.Shape))
            throw context.Fail($"zero point shape {ShapeMath.Format(zeroPoint.Shape)} differs from scale shape {ShapeMath.Format(scale.Shape)}");

        // A scalar or one-element vector is per-tensor (ONNX Runtime's rule, and the only form before version 13).
        if (scale.Length == 1 && scale.Rank <= 1)
        {
            if (requestedBlock != 0) throw context.Fail("block_size must be 0 for per-tensor quantization");
            return new QuantizationLayout(1, 1, x.Length, 0, perAxis: false);
        }
        if (context.OperatorVersion < 13)
            throw context.Fail($"version {context.OperatorVersion} takes a scalar scale, got {ShapeMath.Format(scale.Shape)}");
        if (x.Rank == 0) throw context.Fail("a scalar input takes a scalar scale");
        var axis = ShapeMath.NormalizeAxis(context.Attributes.GetInt("axis", 1), x.Rank);
        var outer = ShapeMath.ElementCount(x.Shape.AsSpan(0, axis));
        var axisDim = x.Shape[axis];
        var inner = ShapeMath.ElementCount(x.Shape.AsSpan(axis + 1));
        if (requestedBlock == 0)
        {
            if (scale.Rank != 1 || scale.Length != axisDim)
                throw context.Fail($"per-axis scale must be 1-D of {axisDim} (axis {axis}), got {ShapeMath.Format(scale.Shape)}");
            return new QuantizationLayout(outer, axisDim, inner, 0, perAxis: true);
        }
        var block = checked((int)requestedBlock);
        var expected = (int[])x.Shape.Clone();
        expected[axis] = (axisDim + block - 1) / block;
        if (!scale.Shape.AsSpan().SequenceEqual(expected))
            throw context.Fail($"blocked scale must have shape {ShapeMath.Format(expected)} (block_size {block} on axis {axis}), got {ShapeMath.Format(scale.Shape)}");
        return new QuantizationLayout(outer, axisDim, inner, block, perAxis: false);
    }

    /// <summary>
    /// Calls <paramref name="row"/> for each run of inner elements sharing a parameter row: the first
    /// element's flat index, the first parameter's index, and the parameter step per element (0 when one parameter
    /// serves the run, 1 for blocked parameters that vary with the inner position).
    /// </summary>
    public void ForEachRow<TRow>(ref TRow row) where TRow : struct, IRow
    {
        var blocks = blockSize > 0 ? (axisDim + blockSize - 1) / blockSize : 0;
        var start = 0;
        for (var o = 0; o < outer; o++)
        {
            for (var a = 0; a < axisDim; a++, start += inner)
            {
                if (blockSize > 0) row.Run(start, inner, (o * blocks + a / blockSize) * inner, 1);
                else row.Run(start, inner, perAxis ? a : 0, 0);
            }
        }
    }

    /// <summary>The per-row body, as a struct so the element loop is not behind a delegate.</summary>
    public interface IRow
    {
        void Run(int start, int count, int parameter, int parameterStep);
    }
}

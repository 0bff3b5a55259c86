using System.Buffers;
using Compression.Evaluation.Execution;
using Compression.Evaluation.Tensors;
using DataType = Compression.Onnx.Protobuf.TensorProto.Types.DataType;

namespace Compression.Evaluation.Kernels.Quantization;

/// <summary>What QuantizeLinear, QLinearMatMul and QLinearConv share: reading scales and writing saturated ints.</summary>
internal static class Requantization
{
    /// <summary>A scale input as floats: a scalar, or <paramref name="perSlice"/> values in a 1-D tensor.</summary>
    public static float[] Scales(KernelContext context, int input, string name, int perSlice, bool allowHalf)
    {
        var t = context.Input(input);
        if (t.ElementType != DataType.Float && !(allowHalf && t.ElementType is DataType.Float16 or DataType.Bfloat16))
            throw context.Fail($"{name} of type {t.ElementType} is not supported at version {context.OperatorVersion}");
        if (t.Length != 1 && !(t.Rank == 1 && t.Length == perSlice))
            throw context.Fail($"{name} must be a scalar{(perSlice > 1 ? $" or hold {perSlice} values" : "")}, got {ShapeMath.Format(t.Shape)}");
        return IntegerData.Floats(t)!;
    }

    /// <summary>The saturation range and value of a QLinear operator's scalar int8/uint8 output zero point.</summary>
    public static (int Min, int Max, int ZeroPoint) Output(KernelContext context, Tensor zeroPoint)
    {
        if (zeroPoint.Length != 1) throw context.Fail("y_zero_point must be a scalar");
        if (zeroPoint.ElementType is not (DataType.Int8 or DataType.Uint8))
            throw context.Fail($"y_zero_point of type {zeroPoint.ElementType} is not supported");
        var (min, max) = IntegerData.Range(zeroPoint.ElementType)!.Value;
        return (min, max, IntegerData.Widen(zeroPoint)![0]);
    }

    /// <summary>
    /// A new tensor of quantized <paramref name="type"/>, filled by <paramref name="compute"/> with saturated ints in
    /// a pooled buffer (one call per node, so the delegate is off the element loop).
    /// </summary>
    public static Tensor Allocate(KernelContext context, DataType type, int[] shape, Action<int[]> compute)
    {
        var y = context.Allocate(type, shape);
        var values = ArrayPool<int>.Shared.Rent(y.Length);
        try
        {
            compute(values);
            IntegerData.Narrow(values.AsSpan(0, y.Length), y);
        }
        finally
        {
            ArrayPool<int>.Shared.Return(values);
        }
        return y;
    }
}

using System.Buffers;
using Compression.Evaluation.Execution;
using Compression.Evaluation.Inference;
using DataType = Compression.Onnx.Protobuf.TensorProto.Types.DataType;

namespace Compression.Evaluation.Kernels.Quantization;

/// <summary>
/// DequantizeLinear: y = (x − zero_point) · scale. Version 10 is per-tensor over int8/uint8/int32; 13 adds per-axis
/// parameters; 19 lets the scale (and so y) be float16 or bfloat16 (float8 inputs cannot reach the executor); 21 adds
/// int16/uint16/int4/uint4 inputs and blocked parameters.
/// <para>
/// As in ONNX Runtime: the difference is an exact int32, converted to float, times the scale widened to float, and a
/// float16/bfloat16 result is that float rounded once more (ONNX Runtime's order, which can differ in the last bit
/// from one float16 multiplication).
/// </para>
/// </summary>
internal sealed class DequantizeLinear : IKernel
{
    public IReadOnlyList<ValueInfo> Infer(InferenceContext context) =>
        [new ValueInfo(context.OperatorVersion >= 19 ? context.Input(1)?.ElementType ?? DataType.Undefined : DataType.Float,
            context.Input(0)?.Shape)];

    public void Execute(KernelContext context)
    {
        var x = context.Input(0);
        var scale = context.Input(1);
        var zeroPoint = context.OptionalInput(2);
        if (IntegerData.IsFloat8(x.ElementType))
            throw context.Fail($"float8 input ({x.ElementType}) is not supported: the executor has no float8 tensors");
        var allowed = x.ElementType is DataType.Int8 or DataType.Uint8 or DataType.Int32
            || (context.OperatorVersion >= 21 && x.ElementType is DataType.Int16 or DataType.Uint16 or DataType.Int4 or DataType.Uint4);
        if (!allowed) throw context.Fail($"input of type {x.ElementType} is not supported at version {context.OperatorVersion}");
        var scaleAllowed = scale.ElementType == DataType.Float
            || (context.OperatorVersion >= 19 && scale.ElementType is DataType.Float16 or DataType.Bfloat16);
        if (!scaleAllowed) throw context.Fail($"scale of type {scale.ElementType} is not supported at version {context.OperatorVersion}");
        if (zeroPoint is not null && zeroPoint.ElementType != x.ElementType)
            throw context.Fail($"zero point of type {zeroPoint.ElementType} does not match the input's {x.ElementType}");
        var layout = QuantizationLayout.Create(context, x, scale, zeroPoint);

        var result = ArrayPool<float>.Shared.Rent(x.Length);
        try
        {
            var row = new Row(IntegerData.Widen(x)!, IntegerData.Floats(scale)!, zeroPoint is null ? null : IntegerData.Widen(zeroPoint), result);
            layout.ForEachRow(ref row);
            var y = context.Allocate(scale.ElementType, x.Shape);
            IntegerData.Narrow(result.AsSpan(0, x.Length), y);
            context.SetOutput(0, y);
        }
        finally
        {
            ArrayPool<float>.Shared.Return(result);
        }
    }

    private readonly struct Row(int[] x, float[] scale, int[]? zeroPoint, float[] y) : QuantizationLayout.IRow
    {
        public void Run(int start, int count, int parameter, int parameterStep)
        {
            for (var i = 0; i < count; i++)
            {
                var p = parameter + i * parameterStep;
                // int32 inputs may wrap here, as they do in ONNX Runtime's int32 arithmetic.
                y[start + i] = unchecked(x[start + i] - (zeroPoint?[p] ?? 0)) * scale[p];
            }
        }
    }
}

using Compression.Evaluation.Execution;
using Compression.Evaluation.Inference;
using DataType = Compression.Onnx.Protobuf.TensorProto.Types.DataType;

namespace Compression.Evaluation.Kernels.Quantization;

/// <summary>
/// QuantizeLinear: y = saturate(round(x / scale) + zero_point). Version 10 is per-tensor int8/uint8; 13 adds
/// per-axis parameters; 19 adds float16 (and bfloat16) inputs and scales and float8 outputs (which the executor has
/// no tensors for, so they fail clearly); 21 adds int16/uint16/int4/uint4, blocked parameters (block_size) and
/// output_dtype. The output type is the zero point's, else output_dtype, else uint8.
/// <para>
/// The arithmetic is ONNX Runtime's (MLAS on x64): x and scale widened to float, one IEEE float division (not a
/// multiplication by the reciprocal, which rounds differently), clamp, round half to even, add the zero point.
/// Float16 inputs take ONNX Runtime's other path, which converts to int32 before clamping (see
/// <see cref="IntegerData.SaturateThroughInt32"/>): the two differ only for ±inf, NaN and quotients beyond int32.
/// </para>
/// </summary>
internal sealed class QuantizeLinear : IKernel
{
    public IReadOnlyList<ValueInfo> Infer(InferenceContext context) =>
        [new ValueInfo(OutputType(context.OperatorVersion, context.Attributes, context.HasInput(2) ? context.Input(2)?.ElementType ?? DataType.Undefined : null, context.Fail),
            context.Input(0)?.Shape)];

    public void Execute(KernelContext context)
    {
        var x = context.Input(0);
        var scale = context.Input(1);
        var zeroPoint = context.OptionalInput(2);
        var type = OutputType(context.OperatorVersion, context.Attributes, zeroPoint?.ElementType, context.Fail);
        var (min, max) = IntegerData.Range(type) ?? throw context.Fail($"output type {type} is not supported");
        if (context.OperatorVersion < 21 && type is not (DataType.Int8 or DataType.Uint8))
            throw context.Fail($"output type {type} needs version 21");
        var values = IntegerData.Floats(x) ?? throw context.Fail($"input of type {x.ElementType} is not supported");
        if (x.ElementType != DataType.Float && context.OperatorVersion < 19)
            throw context.Fail($"input of type {x.ElementType} needs version 19");
        if (scale.ElementType != x.ElementType)
            throw context.Fail($"scale is {scale.ElementType}, input is {x.ElementType}");
        var layout = QuantizationLayout.Create(context, x, scale, zeroPoint);

        var scales = IntegerData.Floats(scale)!;
        var zeros = zeroPoint is null ? null : IntegerData.Widen(zeroPoint);
        var throughInt32 = x.ElementType == DataType.Float16;
        context.SetOutput(0, Requantization.Allocate(context, type, x.Shape, result =>
        {
            var row = new Row(values, scales, zeros, result, min, max, throughInt32);
            layout.ForEachRow(ref row);
        }));
    }

    private static DataType OutputType(int version, NodeAttributes attributes, DataType? zeroPointType,
        Func<string, KernelException> fail)
    {
        var requested = version >= 21 ? (DataType)attributes.GetInt("output_dtype", 0) : DataType.Undefined;
        if (zeroPointType is { } zp && requested != DataType.Undefined && zp != DataType.Undefined && zp != requested)
            throw fail($"output_dtype {requested} differs from the zero point's type {zp}");
        var type = zeroPointType ?? (requested != DataType.Undefined ? requested : DataType.Uint8);
        if (IntegerData.IsFloat8(type))
            throw fail($"float8 output ({type}) is not supported: the executor has no float8 tensors");
        return type;
    }

    private readonly struct Row(float[] x, float[] scale, int[]? zeroPoint, int[] y, int min, int max, bool throughInt32)
        : QuantizationLayout.IRow
    {
        public void Run(int start, int count, int parameter, int parameterStep)
        {
            for (var i = 0; i < count; i++)
            {
                var p = parameter + i * parameterStep;
                var scaled = x[start + i] / scale[p];
                var zero = zeroPoint?[p] ?? 0;
                y[start + i] = throughInt32
                    ? IntegerData.SaturateThroughInt32(scaled, zero, min, max)
                    : IntegerData.Saturate(scaled, zero, min, max);
            }
        }
    }
}

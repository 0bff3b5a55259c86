using Compression.Evaluation.Execution;
using Compression.Evaluation.Kernels.NeuralNetwork.Spatial;
using Compression.Evaluation.Tensors;
using DataType = Compression.Onnx.Protobuf.TensorProto.Types.DataType;

namespace Compression.Evaluation.Kernels.Quantization;

/// <summary>
/// The int32 convolution under ConvInteger and QLinearConv: Conv's attributes (auto_pad, pads, strides, dilations,
/// group, kernel_shape) over 1 to 3 spatial axes. Zero points are subtracted while widening (x's per tensor, w's per
/// tensor or per output channel), so padding — which ONNX Runtime fills with x's zero point — contributes exactly
/// zero and is skipped. A direct loop over (input channel, kernel d, h, w) per output element; int32 sums are exact
/// in any order.
/// </summary>
internal sealed class IntegerConv(WindowGeometry geometry, int batch, int channels, int filters, int group, int[] outputShape)
{
    public int Filters => filters;

    public int[] OutputShape => outputShape;

    /// <summary>Output positions per image and channel.</summary>
    public int Plane => geometry.OutputSize;

    public static IntegerConv Create(KernelContext context, Tensor x, Tensor w)
    {
        if (x.Rank < 3 || x.Rank > 5) throw context.Fail($"input rank {x.Rank} is not supported (1 to 3 spatial axes)");
        if (w.Rank != x.Rank) throw context.Fail($"weight rank {w.Rank} differs from input rank {x.Rank}");
        var group = checked((int)context.Attributes.GetInt("group", 1));
        int batch = x.Shape[0], channels = x.Shape[1], filters = w.Shape[0];
        if (group < 1 || channels % group != 0 || filters % group != 0)
            throw context.Fail($"group {group} does not divide {channels} input channels and {filters} filters");
        if (w.Shape[1] != channels / group)
            throw context.Fail($"weight has {w.Shape[1]} channels per group, input gives {channels / group}");
        var kernel = context.Attributes.GetInts("kernel_shape") ?? w.Shape[2..].Select(d => (long)d).ToArray();
        if (!kernel.SequenceEqual(w.Shape[2..].Select(d => (long)d)))
            throw context.Fail($"kernel_shape [{string.Join(", ", kernel)}] differs from the weight's {ShapeMath.Format(w.Shape)}");
        var g = WindowGeometry.Create(WindowGeometry.Read(context.Attributes, kernel, context.Fail), x.Shape.AsSpan(2));
        return new IntegerConv(g, batch, channels, filters, group, [batch, filters, .. g.OutputDims()]);
    }

    /// <summary>x's values minus its (scalar) zero point.</summary>
    public static int[] WidenX(KernelContext context, Tensor x, Tensor? zeroPoint)
    {
        var values = Widen(context, x, "x");
        if (zeroPoint is null) return values;
        if (zeroPoint.Length != 1) throw context.Fail("x's zero point must be a scalar");
        var zero = WidenZero(context, zeroPoint, x, "x")[0];
        for (var i = 0; i < values.Length; i++) values[i] -= zero;
        return values;
    }

    /// <summary>w's values minus its zero point: a scalar or one per output channel.</summary>
    public int[] WidenW(KernelContext context, Tensor w, Tensor? zeroPoint)
    {
        var values = Widen(context, w, "w");
        if (zeroPoint is null) return values;
        var zeros = WidenZero(context, zeroPoint, w, "w");
        if (zeros.Length != 1 && !(zeroPoint.Rank == 1 && zeros.Length == Filters))
            throw context.Fail($"w's zero point must be a scalar or hold {Filters} values, got {ShapeMath.Format(zeroPoint.Shape)}");
        var perFilter = Filters == 0 ? 0 : values.Length / Filters;
        for (var i = 0; i < values.Length; i++) values[i] -= zeros[zeros.Length == 1 ? 0 : i / perFilter];
        return values;
    }

    private static int[] Widen(KernelContext context, Tensor t, string name) =>
        t.ElementType is DataType.Int8 or DataType.Uint8
            ? IntegerData.Widen(t)!
            : throw context.Fail($"{name} must be int8 or uint8, got {t.ElementType}");

    private static int[] WidenZero(KernelContext context, Tensor zeroPoint, Tensor t, string name) =>
        zeroPoint.ElementType == t.ElementType
            ? IntegerData.Widen(zeroPoint)!
            : throw context.Fail($"{name}'s zero point is {zeroPoint.ElementType}, {name} is {t.ElementType}");

    /// <summary>The int32 sums of each (image, output channel) plane, handed to <paramref name="epilogue"/>.</summary>
    public void Run<TEpilogue>(int[] x, int[] w, Parallelism parallelism, TEpilogue epilogue) where TEpilogue : struct, IEpilogue
    {
        var g = geometry;
        var groupChannels = channels / group;
        var groupFilters = filters / group;
        var plane = g.OutputSize;
        var kernelSize = g.KernelSize;
        parallelism.For(batch * filters, item =>
        {
            var image = item / filters;
            var filter = item % filters;
            var firstChannel = filter / groupFilters * groupChannels;
            var sums = new int[plane];
            for (var c = 0; c < groupChannels; c++)
            {
                var input = x.AsSpan((image * channels + firstChannel + c) * g.InputSize, g.InputSize);
                var weights = w.AsSpan((filter * groupChannels + c) * kernelSize, kernelSize);
                Accumulate(input, weights, g, sums);
            }
            epilogue.Plane(item, filter, sums);
        }, (long)plane * kernelSize * groupChannels);
    }

    private static void Accumulate(ReadOnlySpan<int> input, ReadOnlySpan<int> weights, WindowGeometry g, Span<int> sums)
    {
        int inD = g.Input[0], inH = g.Input[1], inW = g.Input[2];
        int kD = g.Kernel[0], kH = g.Kernel[1], kW = g.Kernel[2];
        var o = 0;
        for (var od = 0; od < g.Output[0]; od++)
        for (var oh = 0; oh < g.Output[1]; oh++)
        for (var ow = 0; ow < g.Output[2]; ow++, o++)
        {
            var sum = 0;
            for (var kd = 0; kd < kD; kd++)
            {
                var id = od * g.Stride[0] - g.PadBegin[0] + kd * g.Dilation[0];
                if ((uint)id >= (uint)inD) continue;
                for (var kh = 0; kh < kH; kh++)
                {
                    var ih = oh * g.Stride[1] - g.PadBegin[1] + kh * g.Dilation[1];
                    if ((uint)ih >= (uint)inH) continue;
                    var rowStart = (id * inH + ih) * inW;
                    var weightRow = (kd * kH + kh) * kW;
                    for (var kw = 0; kw < kW; kw++)
                    {
                        var iw = ow * g.Stride[2] - g.PadBegin[2] + kw * g.Dilation[2];
                        if ((uint)iw < (uint)inW) sum += input[rowStart + iw] * weights[weightRow + kw];
                    }
                }
            }
            sums[o] += sum;
        }
    }

    /// <summary>What happens to one (image, output channel) plane of int32 sums: stored, or requantized.</summary>
    public interface IEpilogue
    {
        void Plane(int item, int filter, ReadOnlySpan<int> sums);
    }
}

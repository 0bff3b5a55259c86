using System.Buffers;
using System.Runtime.CompilerServices;
using Compression.Evaluation.Execution;
using Compression.Evaluation.Inference;
using Compression.Evaluation.Kernels.NeuralNetwork.Convolution;
using Compression.Evaluation.Kernels.NeuralNetwork.Linear;
using Compression.Evaluation.Kernels.NeuralNetwork.Spatial;
using Compression.Evaluation.Tensors;
using DataType = Compression.Onnx.Protobuf.TensorProto.Types.DataType;

namespace Compression.Evaluation.Kernels.NeuralNetwork;

/// <summary>
/// ConvTranspose (1, 11): the gradient of Conv, over 1 to 3 spatial axes, with groups, strides, dilations, pads,
/// output_padding, output_shape and auto_pad. Per image and group, the product Wᵀ·X gives every (output channel, tap)
/// contribution of every input position (<see cref="GemmCore"/>); col2im then adds them into the output, each output
/// channel on one thread, in (tap, input position) order from zero, and the bias is added last.
/// <para>
/// Pads from output_shape or SAME_*: with total padding t, SAME_UPPER puts ⌈t/2⌉ at the start and other modes ⌊t/2⌋,
/// which is what ONNX Runtime does (and what the ONNX 1.12 test data expects).
/// </para>
/// </summary>
internal sealed class ConvTranspose : IKernel
{
    private sealed record Geometry(int[] Input, int[] Kernel, int[] Stride, int[] Dilation, int[] PadBegin, int[] Output);

    public IReadOnlyList<ValueInfo> Infer(InferenceContext context)
    {
        var x = context.Input(0);
        var w = context.Input(1);
        var type = x?.ElementType ?? w?.ElementType ?? DataType.Undefined;
        var group = context.Attributes.GetInt("group", 1);
        var filters = w?.Shape is { Length: >= 2 } ws && ws[1].IsKnown ? new Dim(ws[1].Value * group) : Dim.Unknown;
        if (x?.Shape is not { Length: >= 3 } xs) return [new ValueInfo(type, null)];
        var rank = xs.Length - 2;
        var kernel = context.Attributes.GetInts("kernel_shape")
            ?? (w?.Shape is { } wsh && wsh.Length == xs.Length && wsh.Skip(2).All(d => d.IsKnown) ? wsh.Skip(2).Select(d => d.Value).ToArray() : null);
        var dims = new Dim[rank];
        for (var i = 0; i < rank; i++)
        {
            if (kernel is null || !xs[i + 2].IsKnown) { dims[i] = Dim.Unknown; continue; }
            dims[i] = Axis(context.Attributes, i, rank, (int)xs[i + 2].Value, kernel, context.Fail).Output;
        }
        return [new ValueInfo(type, [xs[0], filters, .. dims])];
    }

    /// <summary>Output size and leading pad along one spatial axis.</summary>
    private static (int Output, int PadBegin) Axis(NodeAttributes attributes, int axis, int rank, int input, long[] kernel,
        Func<string, KernelException> fail)
    {
        long Get(string name, long fallback, int count)
        {
            var values = attributes.GetInts(name);
            if (values is null) return fallback;
            if (values.Length != count) throw fail($"{name} has {values.Length} values for {rank} spatial axes");
            return values[axis];
        }
        var stride = Get("strides", 1, rank);
        var dilation = Get("dilations", 1, rank);
        var outputPadding = Get("output_padding", 0, rank);
        var effective = (kernel[axis] - 1) * dilation + 1;
        var full = stride * (input - 1) + outputPadding + effective;
        var autoPad = attributes.GetString("auto_pad", "NOTSET");
        var outputShape = attributes.GetInts("output_shape");
        long output;
        if (outputShape is not null)
        {
            if (outputShape.Length < rank) throw fail($"output_shape has {outputShape.Length} values for {rank} spatial axes");
            output = outputShape[outputShape.Length - rank + axis];
        }
        else if (autoPad is "SAME_UPPER" or "SAME_LOWER")
            output = input * stride;
        else
        {
            var begin = Get("pads", 0, 2 * rank);
            var end = attributes.GetInts("pads")?[axis + rank] ?? 0;
            return (checked((int)(full - begin - end)), checked((int)begin));
        }
        var total = full - output;
        var head = autoPad == "SAME_LOWER" ? total - total / 2 : total / 2;
        return (checked((int)output), checked((int)head));
    }

    public void Execute(KernelContext context)
    {
        var x = context.Input(0);
        var w = context.Input(1);
        var bias = context.OptionalInput(2);
        ConvOperands.RequireFloat(context, x, w);
        var group = checked((int)context.Attributes.GetInt("group", 1));
        int batch = x.Shape[0], channels = x.Shape[1];
        if (group < 1 || channels % group != 0 || w.Shape[0] != channels)
            throw context.Fail($"weight {ShapeMath.Format(w.Shape)} does not match {channels} input channels in {group} groups");
        var groupChannels = channels / group;
        var groupFilters = w.Shape[1];
        var filters = groupFilters * group;
        if (bias is not null && (bias.ElementType != DataType.Float || bias.Length != filters))
            throw context.Fail($"bias must be {filters} floats");
        var rank = x.Rank - 2;
        var kernel = w.Shape[2..].Select(d => (long)d).ToArray();
        if (context.Attributes.GetInts("kernel_shape") is { } ks && !ks.SequenceEqual(kernel))
            throw context.Fail($"kernel_shape [{string.Join(", ", ks)}] differs from the weight's {ShapeMath.Format(w.Shape)}");
        var g = Lift(context, x.Shape.AsSpan(2).ToArray(), kernel, rank);
        var outputDims = g.Output[(3 - rank)..];
        if (outputDims.Any(d => d < 0)) throw context.Fail($"negative output size {ShapeMath.Format(outputDims)}");
        var y = context.Allocate(DataType.Float, [batch, filters, .. outputDims]);
        var inputPlane = g.Input[0] * g.Input[1] * g.Input[2];
        var outputPlane = g.Output[0] * g.Output[1] * g.Output[2];
        var taps = g.Kernel[0] * g.Kernel[1] * g.Kernel[2];
        var rows = groupFilters * taps;
        var xs = (float[])x.Data;
        var ws = (float[])w.Data;
        var ys = (float[])y.Data;
        var cols = ArrayPool<float>.Shared.Rent(Math.Max(1, rows * inputPlane));
        try
        {
            for (var n = 0; n < batch; n++)
                for (var gi = 0; gi < group; gi++)
                {
                    // cols[(m, tap), p] = Σ_c W[c, m, tap]·X[c, p]: A = W_gᵀ (rowStride 1, colStride rows), B = X_g.
                    GemmCore.Multiply(ws, gi * groupChannels * rows, 1, rows, xs, (n * channels + gi * groupChannels) * inputPlane, inputPlane, 1,
                        rows, inputPlane, groupChannels, cols, 0, inputPlane, context.Parallelism);
                    var yOffset = (n * filters + gi * groupFilters) * outputPlane;
                    context.Parallelism.For(groupFilters, m =>
                        Col2Im(cols, m * taps * inputPlane, ys, yOffset + m * outputPlane, g, bias is null ? 0f : ((float[])bias.Data)[gi * groupFilters + m]),
                        (long)taps * inputPlane);
                }
        }
        finally
        {
            ArrayPool<float>.Shared.Return(cols);
        }
        context.SetOutput(0, y);
    }

    private static Geometry Lift(KernelContext context, int[] input, long[] kernel, int rank)
    {
        var lead = 3 - rank;
        int[] Make(Func<int, int> f, int one) => Enumerable.Range(0, 3).Select(i => i < lead ? one : f(i - lead)).ToArray();
        var axes = Enumerable.Range(0, rank).Select(i => Axis(context.Attributes, i, rank, input[i], kernel, context.Fail)).ToArray();
        var strides = context.Attributes.GetInts("strides");
        var dilations = context.Attributes.GetInts("dilations");
        return new Geometry(
            Make(i => input[i], 1),
            Make(i => (int)kernel[i], 1),
            Make(i => strides is null ? 1 : (int)strides[i], 1),
            Make(i => dilations is null ? 1 : (int)dilations[i], 1),
            Make(i => axes[i].PadBegin, 0),
            Make(i => axes[i].Output, 1));
    }

    /// <summary>Adds one output channel's contributions into its (zeroed) plane, then its bias.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Col2Im(float[] cols, int colOffset, float[] y, int yOffset, Geometry g, float bias)
    {
        int id = g.Input[0], ih = g.Input[1], iw = g.Input[2];
        int od = g.Output[0], oh = g.Output[1], ow = g.Output[2];
        var plane = y.AsSpan(yOffset, od * oh * ow);
        plane.Clear();
        var inputPlane = id * ih * iw;
        var tap = 0;
        for (var a = 0; a < g.Kernel[0]; a++)
            for (var c = 0; c < g.Kernel[1]; c++)
                for (var e = 0; e < g.Kernel[2]; e++, tap++)
                {
                    var src = cols.AsSpan(colOffset + tap * inputPlane, inputPlane);
                    var shiftW = e * g.Dilation[2] - g.PadBegin[2];
                    var (lo, hi) = WindowGeometry.ValidRange(shiftW, g.Stride[2], ow, iw);
                    for (var d = 0; d < id; d++)
                    {
                        var pd = d * g.Stride[0] - g.PadBegin[0] + a * g.Dilation[0];
                        if ((uint)pd >= (uint)od) continue;
                        for (var h = 0; h < ih; h++)
                        {
                            var ph = h * g.Stride[1] - g.PadBegin[1] + c * g.Dilation[1];
                            if ((uint)ph >= (uint)oh) continue;
                            var row = (pd * oh + ph) * ow + shiftW;
                            var inRow = (d * ih + h) * iw;
                            for (var q = lo; q < hi; q++) plane[row + q * g.Stride[2]] += src[inRow + q];
                        }
                    }
                }
        if (bias != 0f)
            for (var i = 0; i < plane.Length; i++) plane[i] += bias;
    }
}
